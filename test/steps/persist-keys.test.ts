import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aliasesOf, knobIdOf, knobIdOfName, mergeEntries } from '../../src/steps/persist-keys.js';

describe('knobIdOfName (persist remove: items)', () => {
  const cases: [string, string | null][] = [
    ['max', 'max'],
    ['nf_conntrack_max', 'max'],
    ['net.netfilter.nf_conntrack_max', 'max'],
    ['net/nf_conntrack_max', 'max'],
    ['net.ipv4.netfilter.ip_conntrack_max', 'max'],
    ['hashsize', 'hashsize'],
    ['udp_timeout', 'udp_timeout'],
    ['nf_conntrack_tcp_timeout_established', 'tcp_timeout_established'],
    ['net.netfilter.nf_conntrack_udp_timeout_stream', 'udp_timeout_stream'],
    ['vm.swappiness', null],
    ['net.netfilter.nf_conntrack_buckets', null],
    ['UDP_timeout', null],
    ['', null],
  ];
  for (const [name, id] of cases) it(`${JSON.stringify(name)} → ${id}`, () => assert.equal(knobIdOfName(name), id));
});

describe('knobIdOf / aliasesOf', () => {
  it('every name of max is one knob', () => {
    assert.deepEqual(
      ['net.netfilter.nf_conntrack_max', 'net.nf_conntrack_max', 'net.ipv4.netfilter.ip_conntrack_max'].map(knobIdOf),
      ['max', 'max', 'max'],
    );
    assert.deepEqual(aliasesOf([{ key: 'net.nf_conntrack_max', value: '1' }]), {
      'net.netfilter.nf_conntrack_max': 'net.nf_conntrack_max',
      'net.ipv4.netfilter.ip_conntrack_max': 'net.nf_conntrack_max',
    });
  });
});

describe('mergeEntries: the cumulative block', () => {
  const e = (key: string, value: string) => ({ key, value });
  const cases = [
    {
      name: 'keeps earlier keys the playbook does not set',
      previous: [e('net.netfilter.nf_conntrack_max', '262144')],
      current: [e('net.netfilter.nf_conntrack_udp_timeout', '60')],
      removed: [],
      want: [e('net.netfilter.nf_conntrack_max', '262144'), e('net.netfilter.nf_conntrack_udp_timeout', '60')],
    },
    {
      name: 'the playbook wins for the same knob, whatever name the old block used',
      previous: [e('net.nf_conntrack_max', '1'), e('net.netfilter.nf_conntrack_udp_timeout', '30')],
      current: [e('net.netfilter.nf_conntrack_max', '2')],
      removed: [],
      want: [e('net.netfilter.nf_conntrack_max', '2'), e('net.netfilter.nf_conntrack_udp_timeout', '30')],
    },
    {
      name: 'remove takes a knob out; the first of two old blocks wins',
      previous: [
        e('net.netfilter.nf_conntrack_udp_timeout', '30'),
        e('net.netfilter.nf_conntrack_max', '3'),
        e('net.netfilter.nf_conntrack_udp_timeout', '99'),
      ],
      current: [],
      removed: ['max'],
      want: [e('net.netfilter.nf_conntrack_udp_timeout', '30')],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(mergeEntries(c), c.want));
});
