import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { invertChanges } from '../../src/changes/invert.js';
import { planUnloadNat } from '../../src/steps/unload-nat.js';
import { bootFile, builtin618, legacy4x, modular61Nft } from '../fixtures/steps/facts.js';
import { contextOf, spec } from '../fixtures/steps/playbook.js';

describe('unload_nat plan', () => {
  it('is not applicable with nf_conntrack built in', () => {
    const { plan } = planUnloadNat(spec.unloadNat(), contextOf(builtin618()));
    assert.deepEqual(plan.changes, []);
    assert.equal(plan.refusal, undefined);
    assert.match(plan.lines[0]!, /not applicable/);
  });

  it('unloads in holder order; undo loads in reverse, then writes the runtime values back', () => {
    const facts = modular61Nft();
    const { plan } = planUnloadNat(spec.unloadNat(), contextOf(facts));
    assert.deepEqual(
      plan.lines[0],
      'rmmod nft_chain_nat, xt_MASQUERADE, nf_nat, nf_conntrack, nf_defrag_ipv6, nf_defrag_ipv4',
    );
    const unloads = plan.changes.filter((c) => c.kind === 'module-unload');
    assert.equal(unloads.length, 6);
    // pins come first, so their undo runs after every modprobe
    const firstUnload = plan.changes.findIndex((c) => c.kind === 'module-unload');
    assert.ok(plan.changes.slice(0, firstUnload).every((c) => c.kind === 'knob' && c.before === c.after));
    assert.ok(plan.changes.slice(firstUnload).every((c) => c.kind === 'module-unload'));
    const undo = invertChanges(plan.changes);
    assert.deepEqual(
      undo.filter((c) => c.kind === 'module-load').map((c) => (c.kind === 'module-load' ? c.module : '')),
      ['nf_defrag_ipv4', 'nf_defrag_ipv6', 'nf_conntrack', 'nf_nat', 'xt_MASQUERADE', 'nft_chain_nat'],
    );
    const restored = undo.slice(6);
    assert.ok(restored.every((c) => c.kind === 'knob'));
    const written = new Map(restored.map((c) => (c.kind === 'knob' ? [c.path, c.after] : ['', ''])));
    assert.equal(written.get('/proc/sys/net/netfilter/nf_conntrack_max'), facts.knobs.max.value);
    assert.equal(
      written.get('/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established'),
      String(facts.timeouts['tcp_timeout_established']),
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
      facts: () =>
        Object.assign(legacy4x(), { natRulesInUse: true, natRuleEvidence: ['-A POSTROUTING -o eth0 -j MASQUERADE'] }),
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

describe('unload_nat: refuses when the undo could not load the modules again', () => {
  it('install nf_conntrack /bin/false in modprobe.d: refused with FILE:LINE, no change planned', () => {
    const facts = modular61Nft();
    facts.bootConfig?.files.push(
      bootFile('/etc/modprobe.d/no-conntrack.conf', {
        text: 'blacklist nf_conntrack\ninstall nf_conntrack /bin/false\n',
      }),
    );
    const { plan } = planUnloadNat(spec.unloadNat(), contextOf(facts));
    assert.deepEqual(plan.changes, []);
    assert.match(
      plan.refusal ?? '',
      /the undo could not load the modules again: nf_conntrack: \/etc\/modprobe\.d\/no-conntrack\.conf:2 "install nf_conntrack \/bin\/false" \(blacklisted at \/etc\/modprobe\.d\/no-conntrack\.conf:1\)/,
    );
  });
});
