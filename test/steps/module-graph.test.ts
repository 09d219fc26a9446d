import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoadedModule } from '../../src/facts/types.js';
import { analyzeUnload } from '../../src/steps/module-graph.js';
import { legacy4x, mod, modular61Legacy, modular61Nft } from '../fixtures/steps/facts.js';

/** Every module comes after all of its holders that are removed too. */
function assertHolderOrder(modules: LoadedModule[], order: string[]): void {
  for (const m of modules) {
    if (!order.includes(m.name)) continue;
    for (const holder of m.usedBy.filter((h) => order.includes(h))) {
      assert.ok(order.indexOf(holder) < order.indexOf(m.name), `${holder} must go before ${m.name}`);
    }
  }
}

describe('analyzeUnload', () => {
  const graphs = [
    {
      name: 'iptables-nft 6.1',
      facts: modular61Nft,
      want: ['nft_chain_nat', 'xt_MASQUERADE', 'nf_nat', 'nf_conntrack', 'nf_defrag_ipv6', 'nf_defrag_ipv4'],
    },
    {
      name: 'legacy iptables 6.1',
      facts: modular61Legacy,
      want: ['iptable_nat', 'xt_MASQUERADE', 'nf_nat', 'nf_conntrack', 'nf_defrag_ipv6', 'nf_defrag_ipv4'],
    },
    {
      name: '4.14 with nf_conntrack_ipv4',
      facts: legacy4x,
      want: [
        'ipt_MASQUERADE',
        'nf_nat_masquerade_ipv4',
        'iptable_nat',
        'nf_conntrack_ipv4',
        'nf_defrag_ipv4',
        'nf_nat_ipv4',
        'nf_nat',
        'nf_conntrack',
      ],
    },
  ];
  for (const g of graphs) {
    it(`${g.name}: holder order, shared infrastructure stays`, () => {
      const modules = g.facts().modules;
      const { order, blockers } = analyzeUnload(modules);
      assert.deepEqual(blockers, []);
      assert.deepEqual(order, g.want);
      assertHolderOrder(modules, order);
      for (const kept of ['x_tables', 'ip_tables', 'nf_tables', 'nft_compat', 'libcrc32c', 'nfnetlink'])
        assert.ok(!order.includes(kept));
    });
  }

  it('orders by holders even when lsmod lists the core first', () => {
    const modules = [...modular61Nft().modules].reverse();
    const { order } = analyzeUnload(modules);
    assertHolderOrder(modules, order);
    assert.equal(order.length, 6);
  });

  it('blocks a chain module held by a module outside the chain', () => {
    const modules = modular61Nft().modules.map((m) =>
      m.name === 'nf_conntrack' ? { ...m, useCount: 3, usedBy: [...m.usedBy, 'nf_flow_table'] } : m,
    );
    modules.push(mod('nf_flow_table', 0));
    assert.deepEqual(analyzeUnload(modules).blockers, [
      'nf_conntrack is held by nf_flow_table, outside the NAT/conntrack chain',
    ]);
  });

  it('blocks a module with more references than holders (a rule uses it)', () => {
    const modules = modular61Nft().modules.map((m) => (m.name === 'xt_MASQUERADE' ? { ...m, useCount: 1 } : m));
    assert.match(analyzeUnload(modules).blockers.join(), /xt_MASQUERADE has 1 references but 0 holding modules/);
  });

  it('keeps nf_defrag_ipv6 when xt_socket uses it, without blocking', () => {
    const modules = modular61Nft().modules.map((m) =>
      m.name === 'nf_defrag_ipv6' ? { ...m, useCount: 2, usedBy: ['nf_conntrack', 'xt_socket'] } : m,
    );
    modules.push(mod('xt_socket', 0));
    const { order, blockers, keptDefrag } = analyzeUnload(modules);
    assert.deepEqual(blockers, []);
    assert.deepEqual(keptDefrag, ['nf_defrag_ipv6']);
    assert.ok(order.includes('nf_conntrack') && !order.includes('nf_defrag_ipv6'));
  });
});
