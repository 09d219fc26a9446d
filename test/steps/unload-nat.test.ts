import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { invertChanges } from '../../src/steps/invert.js';
import { planUnloadNat } from '../../src/steps/unload-nat.js';
import { builtin618, legacy4x, modular61Nft } from '../fixtures/steps/facts.js';
import { contextOf, spec } from '../fixtures/steps/playbook.js';

describe('unload_nat plan', () => {
  it('is not applicable with nf_conntrack built in', () => {
    const { plan } = planUnloadNat(spec.unloadNat(), contextOf(builtin618()));
    assert.deepEqual(plan.changes, []);
    assert.equal(plan.refusal, undefined);
    assert.match(plan.lines[0]!, /not applicable/);
  });

  it('unloads in holder order; undo loads in reverse', () => {
    const { plan } = planUnloadNat(spec.unloadNat(), contextOf(modular61Nft()));
    assert.deepEqual(plan.lines[0], 'rmmod nft_chain_nat, xt_MASQUERADE, nf_nat, nf_conntrack, nf_defrag_ipv6, nf_defrag_ipv4');
    assert.ok(plan.changes.every((c) => c.kind === 'module-unload'));
    const undo = invertChanges(plan.changes);
    assert.deepEqual(
      undo.map((c) => (c.kind === 'module-load' ? c.module : c.kind)),
      ['nf_defrag_ipv4', 'nf_defrag_ipv6', 'nf_conntrack', 'nf_nat', 'xt_MASQUERADE', 'nft_chain_nat'],
    );
  });

  it('nothing to do when no chain module is loaded', () => {
    const facts = modular61Nft();
    facts.modules = facts.modules.filter((m) => m.name === 'x_tables');
    const { plan } = planUnloadNat(spec.unloadNat(), contextOf(facts));
    assert.deepEqual(plan.changes, []);
    assert.equal(plan.refusal, undefined);
  });

  const refusals = [
    {
      name: 'NAT rules in use, listing the evidence',
      facts: () => Object.assign(legacy4x(), { natRulesInUse: true, natRuleEvidence: ['-A POSTROUTING -o eth0 -j MASQUERADE'] }),
      pattern: /rules are in use \(-A POSTROUTING -o eth0 -j MASQUERADE\)/,
    },
    {
      name: 'a rule holds a module',
      facts: () => {
        const f = legacy4x();
        f.modules = f.modules.map((m) => (m.name === 'ipt_MASQUERADE' ? { ...m, useCount: 1 } : m));
        return f;
      },
      pattern: /ipt_MASQUERADE has 1 references/,
    },
    { name: 'kube-proxy', facts: () => Object.assign(modular61Nft(), { kubeProxy: true }), pattern: /kube-proxy/ },
  ];
  for (const r of refusals) {
    it(`refuses: ${r.name}`, () => {
      const { plan } = planUnloadNat(spec.unloadNat(), contextOf(r.facts()));
      assert.match(plan.refusal ?? '', r.pattern);
      assert.deepEqual(plan.changes, []);
    });
  }
});
