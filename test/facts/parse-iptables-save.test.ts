import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseIptablesSave } from '../../src/facts/parse-iptables-save.js';
import { readFixture } from './fixtures.js';

const fixtures = [
  {
    fixture: 'iptables-save.6.18-nft.txt',
    nat: true,
    lines: [
      '-t mangle -A PREROUTING -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff',
      '-t raw -A PREROUTING -p udp -m udp --dport 53 -j CT --notrack',
      '-t filter -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-t filter -A INPUT -m state --state INVALID -j DROP',
      '-t nat -A PREROUTING -p tcp -m tcp --dport 8080 -j DNAT --to-destination 127.0.0.1:80',
      '-t nat -A POSTROUTING -j MASQUERADE',
      '-t nat -A POSTROUTING -s 10.0.0.0/8 -o lo -j SNAT --to-source 127.0.0.1',
    ],
  },
  {
    fixture: 'iptables-save.6.18-legacy.txt',
    nat: true,
    lines: [
      '-t filter -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-t nat -A POSTROUTING -o eth0 -j MASQUERADE',
    ],
  },
  { fixture: 'ip6tables-save.6.18-nft.txt', nat: true, lines: ['-t nat -A POSTROUTING -j MASQUERADE'] },
];

for (const { fixture, nat, lines } of fixtures) {
  test(`real output ${fixture}`, () => {
    assert.deepEqual(parseIptablesSave(readFixture(fixture)), { nat, lines });
  });
}

const inline: Array<{ name: string; text: string; nat: boolean; count: number }> = [
  { name: 'empty output', text: '', nat: false, count: 0 },
  {
    name: 'a nat table with only chains (left by `iptables -t nat -L`)',
    text: '*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n',
    nat: false,
    count: 0,
  },
  {
    name: 'stateless filter rules',
    text: '*filter\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n-A INPUT -j DROP\nCOMMIT\n',
    nat: false,
    count: 0,
  },
  {
    name: 'a comment naming SNAT is not a NAT rule',
    text: '*filter\n-A INPUT -m comment --comment "-j SNAT later" -j ACCEPT\nCOMMIT\n',
    nat: false,
    count: 0,
  },
  {
    name: 'any rule in the nat table counts (kube-proxy jumps)',
    text: '*nat\n-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES\nCOMMIT\n',
    nat: true,
    count: 1,
  },
  {
    name: 'connmark match and --ctstatus',
    text: '*mangle\n-A PREROUTING -m connmark --mark 0x1 -j ACCEPT\n-A FORWARD -m conntrack --ctstatus DNAT -j ACCEPT\nCOMMIT\n',
    nat: false,
    count: 2,
  },
  { name: 'garbage lines', text: '-A\n*\n\u0000\n-A X -j\n', nat: false, count: 0 },
];

for (const { name, text, nat, count } of inline) {
  test(`inline: ${name}`, () => {
    const evidence = parseIptablesSave(text);
    assert.equal(evidence.nat, nat);
    assert.equal(evidence.lines.length, count);
  });
}
