import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHolders, parseLsmod } from '../../src/facts/parse-lsmod.js';
import { readFixture } from './fixtures.js';

const cases = [
  {
    fixture: 'lsmod.debian-6.1-iptables-nft-masquerade-handwritten.txt',
    count: 24,
    expect: {
      nf_conntrack: { sizeBytes: 176128, useCount: 2, usedBy: ['nf_nat', 'xt_MASQUERADE'] },
      nf_nat: { sizeBytes: 57344, useCount: 2, usedBy: ['nft_chain_nat', 'xt_MASQUERADE'] },
      xt_MASQUERADE: { sizeBytes: 20480, useCount: 1, usedBy: [] },
      libcrc32c: { sizeBytes: 16384, useCount: 3, usedBy: ['nf_conntrack', 'nf_nat', 'nf_tables'] },
    },
  },
  {
    fixture: 'lsmod.debian-6.1-iptables-legacy-masquerade-handwritten.txt',
    count: 17,
    expect: {
      ip_tables: { sizeBytes: 36864, useCount: 1, usedBy: ['iptable_nat'] },
      nf_nat: { sizeBytes: 57344, useCount: 2, usedBy: ['iptable_nat', 'xt_MASQUERADE'] },
    },
  },
  {
    fixture: 'lsmod.centos-7-3.10-nf_conntrack_ipv4-handwritten.txt',
    count: 14,
    expect: {
      // kmod 20 leaves a trailing space when nothing holds the module
      nf_conntrack_ipv4: { sizeBytes: 15053, useCount: 3, usedBy: [] },
      nf_nat_masquerade_ipv4: { sizeBytes: 13412, useCount: 1, usedBy: ['ipt_MASQUERADE'] },
      nf_conntrack: {
        sizeBytes: 133095,
        useCount: 6,
        usedBy: ['nf_nat', 'nf_nat_ipv4', 'xt_conntrack', 'nf_nat_masquerade_ipv4', 'nf_conntrack_ipv4'],
      },
    },
  },
];

for (const { fixture, count, expect } of cases) {
  test(`lsmod ${fixture}`, () => {
    const modules = parseLsmod(readFixture(fixture));
    assert.equal(modules.length, count);
    assert.ok(!modules.some((m) => m.name === 'Module'), 'the header is not a module');
    for (const [name, fields] of Object.entries(expect)) {
      assert.deepEqual(
        modules.find((m) => m.name === name),
        { name, ...fields },
      );
    }
  });
}

test('holders: flags in brackets and `-` are not modules', () => {
  assert.deepEqual(parseHolders('[permanent],nf_nat,'), ['nf_nat']);
  assert.deepEqual(parseHolders('-'), []);
  assert.deepEqual(parseHolders(undefined), []);
});

test('odd lines are skipped, never thrown on', () => {
  const text = 'Module Size Used by\n\ngarbage\nx 12 zz\nipv6 409600 30 [permanent]\nbad name! 1 1\nmod 100 - \n';
  assert.deepEqual(parseLsmod(text), [
    { name: 'ipv6', sizeBytes: 409600, useCount: 30, usedBy: [] },
    { name: 'mod', sizeBytes: 100, useCount: 0, usedBy: [] },
  ]);
});
