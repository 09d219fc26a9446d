import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNftRuleset } from '../../src/facts/parse-nft-ruleset.js';
import { readFixture } from './fixtures.js';

test('real ruleset: iptables-nft tables and a native inet table', () => {
  const evidence = parseNftRuleset(readFixture('nft-list-ruleset.6.18-iptables-nft-and-native.txt'));
  assert.equal(evidence.nat, true);
  assert.deepEqual(evidence.lines, [
    'ip nat POSTROUTING: counter packets 0 bytes 0 masquerade',
    'ip nat POSTROUTING: oifname "lo" ip saddr 10.0.0.0/8 counter packets 0 bytes 0 snat to 127.0.0.1',
    'ip nat PREROUTING: tcp dport 8080 counter packets 0 bytes 0 dnat to 127.0.0.1:80',
    'ip filter INPUT: ct state related,established counter packets 0 bytes 0 accept',
    'ip filter INPUT: ct state invalid counter packets 0 bytes 0 drop',
    'ip raw PREROUTING: udp dport 53 counter packets 0 bytes 0 notrack',
    'ip mangle PREROUTING: counter packets 0 bytes 0 meta mark set ct mark',
    // nft cannot translate the ip6 MASQUERADE; a rule in a nat chain still counts
    'ip6 nat POSTROUTING: counter packets 0 bytes 0',
    'inet cf_native post: oifname "lo" masquerade',
    'inet cf_native forward_chain: ct state established,related accept',
    'inet cf_native forward_chain: ct status dnat accept',
    'inet cf_native forward_chain: ct mark 0x00000001 accept',
  ]);
});

const sets = `table inet filter {
	set allowed {
		type ipv4_addr
		elements = { 10.0.0.1, 10.0.0.2,
			     10.0.0.3 }
	}

	chain input {
		type filter hook input priority filter; policy drop;
		ip saddr @allowed tcp dport { 22, 443 } accept
		ct state vmap { established : accept, related : accept, invalid : drop }
	}
}
`;

const inline: Array<{ name: string; text: string; nat: boolean; lines: string[] }> = [
  { name: 'empty ruleset', text: '', nat: false, lines: [] },
  {
    name: 'an empty nat chain is not NAT in use',
    text: 'table ip nat {\n\tchain POSTROUTING {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t}\n}\n',
    nat: false,
    lines: [],
  },
  {
    name: 'sets with multi-line elements and anonymous sets on rule lines',
    text: sets,
    nat: false,
    lines: ['inet filter input: ct state vmap { established : accept, related : accept, invalid : drop }'],
  },
  {
    name: 'a comment naming dnat is not NAT',
    text: 'table ip t {\n\tchain c {\n\t\ttcp dport 1 accept comment "dnat soon"\n\t}\n}\n',
    nat: false,
    lines: [],
  },
  { name: 'unbalanced junk', text: '}\n}\nchain x {\nct state new accept\n{{{\n', nat: false, lines: [] },
];

for (const { name, text, nat, lines } of inline) {
  test(`inline: ${name}`, () => {
    assert.deepEqual(parseNftRuleset(text), { nat, lines });
  });
}
