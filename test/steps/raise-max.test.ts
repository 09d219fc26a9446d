import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { knobPaths } from '../../src/facts/types.js';
import { computeTargetMax, planRaiseMax } from '../../src/steps/raise-max.js';
import { absentConntrack, aliasOnly, builtin618, modular61Nft } from '../fixtures/steps/facts.js';
import { contextOf, spec } from '../fixtures/steps/playbook.js';

describe('computeTargetMax', () => {
  const cases = [
    { cpus: 1, options: {}, want: 131072 },
    { cpus: 4, options: {}, want: 131072 },
    { cpus: 16, options: {}, want: 524288 },
    { cpus: 8, options: { per_cpu: 65536 }, want: 524288 },
    { cpus: 2, options: { min: 300000 }, want: 300000 },
    { cpus: 64, options: { value: 200000 as const }, want: 200000 },
  ];
  for (const c of cases) {
    it(`${c.cpus} CPUs ${JSON.stringify(c.options)} → ${c.want}`, () => {
      assert.equal(computeTargetMax(spec.raiseMax(c.options).options, c.cpus), c.want);
    });
  }
});

describe('raise_max plan', () => {
  it('raises 65536 to the auto target and carries it in the context', () => {
    const { plan, context } = planRaiseMax(spec.raiseMax(), contextOf(modular61Nft()));
    assert.deepEqual(plan.changes, [
      { kind: 'knob', key: 'nf_conntrack_max', path: knobPaths.max, before: '65536', after: '131072' },
    ]);
    assert.deepEqual(plan.lines, ['nf_conntrack_max 65536 → 131072']);
    assert.deepEqual([plan.before, plan.after], [{ max: 65536 }, { max: 131072 }]);
    assert.equal(context.targetMax, 131072);
  });

  it('is a no-op when the max is already the target', () => {
    const { plan, context } = planRaiseMax(spec.raiseMax({ value: 262144 }), contextOf(builtin618()));
    assert.deepEqual(plan.changes, []);
    assert.equal(plan.refusal, undefined);
    assert.equal(context.targetMax, 262144);
  });

  it('never lowers without allow_lower: no change and a warning, not a failure', () => {
    const { plan, context } = planRaiseMax(spec.raiseMax({ value: 131072 }), contextOf(builtin618()));
    assert.deepEqual(plan.changes, []);
    assert.equal(plan.refusal, undefined);
    assert.ok(plan.warnings.some((w) => w.includes('not lowering')));
    assert.equal(context.targetMax, 262144, 'persist keeps the live value');
  });

  it('lowers with allow_lower', () => {
    const { plan } = planRaiseMax(spec.raiseMax({ value: 131072, allow_lower: true }), contextOf(builtin618()));
    assert.equal(plan.changes.length, 1);
    assert.deepEqual(plan.lines, ['nf_conntrack_max 262144 → 131072']);
  });

  it('falls back to net.nf_conntrack_max when only that exists', () => {
    const { plan } = planRaiseMax(spec.raiseMax(), contextOf(aliasOnly()));
    assert.equal(plan.changes[0]?.kind === 'knob' && plan.changes[0].path, knobPaths.maxAlias);
    assert.match(plan.lines[0]!, /via \/proc\/sys\/net\/nf_conntrack_max/);
  });

  const refusals = [
    {
      name: 'conntrack absent',
      facts: absentConntrack,
      options: {},
      pattern: /^nf_conntrack is not loaded on this host: nothing to tune; load it or tune it where it is loaded$/,
    },
    {
      // the module is listed but this namespace has no nf_conntrack_max: same message, not "no such sysctl"
      name: 'no nf_conntrack_max sysctl',
      facts: () => {
        const facts = modular61Nft();
        facts.knobs.max.value = null;
        facts.knobs.maxAlias.value = null;
        return facts;
      },
      options: {},
      pattern: /^nf_conntrack is not loaded on this host: nothing to tune; load it or tune it where it is loaded$/,
    },
    {
      name: 'memory guard',
      facts: () => Object.assign(modular61Nft(), { memTotalBytes: 512 * 1024 ** 2 }),
      options: { value: 1048576 },
      pattern: /1048576 would need up to 320 MiB .*1048576 × 320 bytes.*max_memory_percent 10% of MemTotal 512 MiB/,
    },
    {
      name: 'memory guard uses the measured entry size',
      facts: () => Object.assign(modular61Nft(), { memTotalBytes: 2 * 1024 ** 3, entryBytes: 1024 }),
      options: { value: 262144 },
      pattern: /262144 × 1024 bytes/,
    },
    {
      name: 'read-only max (container)',
      facts: () => {
        const f = modular61Nft();
        f.knobs.max.writable = false;
        return f;
      },
      options: {},
      pattern: /read-only: .*initial network namespace/,
    },
  ];
  for (const r of refusals) {
    it(`refuses: ${r.name}`, () => {
      const { plan, context } = planRaiseMax(spec.raiseMax(r.options), contextOf(r.facts()));
      assert.match(plan.refusal ?? '', r.pattern);
      assert.deepEqual(plan.changes, []);
      assert.equal(context.targetMax, null);
    });
  }

  it('skips the memory guard with a warning when MemTotal is unknown', () => {
    const facts = Object.assign(modular61Nft(), { memTotalBytes: null });
    const { plan } = planRaiseMax(spec.raiseMax({ value: 100_000_000 }), contextOf(facts));
    assert.equal(plan.refusal, undefined);
    assert.equal(plan.changes.length, 1);
    assert.ok(plan.warnings.some((w) => w.startsWith('memory guard skipped')));
  });

  it('warns that kube-proxy will reset a different value', () => {
    const facts = Object.assign(modular61Nft(), { kubeProxy: true });
    const { plan } = planRaiseMax(spec.raiseMax({ value: 500000 }), contextOf(facts));
    assert.ok(plan.warnings.some((w) => w.includes('kube-proxy') && w.includes('131072')));
    const same = planRaiseMax(spec.raiseMax(), contextOf(facts)).plan;
    assert.ok(!same.warnings.some((w) => w.includes('kube-proxy')), 'auto equals kube-proxy’s rule');
  });
});
