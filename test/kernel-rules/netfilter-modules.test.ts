import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  defragModules,
  isNatChainModule,
  isNetfilterModule,
  listedChainModules,
} from '../../src/kernel/netfilter-modules.js';

describe('isNatChainModule (what unload_nat removes)', () => {
  const cases: [string, boolean][] = [
    ['nf_conntrack', true],
    ['nf_conntrack_ipv4', true],
    ['nf_conntrack_netlink', true],
    ['nf_nat_masquerade_ipv4', true],
    ['ipt_MASQUERADE', true],
    ['xt_conntrack', true],
    ['x_tables', false],
    ['nf_tables', false],
    ['libcrc32c', false],
    ['nf_defrag_ipv4', false],
  ];
  for (const [name, want] of cases) it(`${name} → ${want}`, () => assert.equal(isNatChainModule(name), want));
});

describe('isNetfilterModule (what check lists)', () => {
  const cases: [string, boolean][] = [
    ['nf_conntrack', true],
    ['nf_tables', true],
    ['nft_chain_nat', true],
    ['xt_nat', true],
    ['ipt_REJECT', true],
    ['ip6t_REJECT', true],
    ['iptable_filter', true],
    ['ip6table_nat', true],
    ['ip_tables', true],
    ['ip6_tables', true],
    ['x_tables', true],
    ['nfnetlink', false],
    ['ext4', false],
    ['br_netfilter', false],
    ['ip_tables_extra', false],
  ];
  for (const [name, expected] of cases)
    it(`${name} → ${expected}`, () => assert.equal(isNetfilterModule(name), expected));

  it('every chain module and defrag module is a netfilter module: check shows all that unload_nat may remove', () => {
    const names = [...listedChainModules(), ...defragModules, 'nf_nat', 'nf_conntrack_ftp', 'nf_nat_sip'];
    assert.ok(listedChainModules().length > 10);
    assert.deepEqual(
      names.filter((name) => !isNetfilterModule(name)),
      [],
    );
  });
});
