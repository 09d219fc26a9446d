import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { HostFacts } from '../../src/facts/types.js';
import { filesNeeded, planHost, readsRules, stepDefinitions } from '../../src/steps/definitions.js';
import { readBytesText } from '../../src/changes/file-state.js';
import { modprobeConfPath, modulesLoadPath } from '../../src/steps/module-files.js';
import type { Change } from '../../src/changes/change.js';
import { builtin618, modular61Nft } from '../fixtures/steps/facts.js';
import { contextOf, playbookOf, spec } from '../fixtures/steps/playbook.js';
import type { StepKind, StepSpec } from '../../src/playbook/types.js';
import type { StepDefinition } from '../../src/steps/types.js';

const tuning = playbookOf([
  spec.checkCount({ warn_above_percent: 80 }),
  spec.raiseMax(),
  spec.setHashsize(),
  spec.setTimeouts({ tcp_timeout_established: 86400 }),
  spec.persist(),
]);

function fileAfter(changes: Change[], path: string): string | null {
  const change = changes.find((c) => c.kind === 'file' && c.path === path);
  return change?.kind === 'file' && change.after ? readBytesText(change.after) : null;
}

/** The host after the plan: every file change applied, knobs at their targets. */
function applyPlan(facts: HostFacts, changes: Change[]): HostFacts {
  const next: HostFacts = structuredClone(facts);
  for (const change of changes) {
    if (change.kind === 'file') next.files[change.path] = change.after;
    if (change.kind !== 'knob') continue;
    const value = change.accept?.[0] ?? change.after;
    for (const knob of Object.values(next.knobs)) if (knob.path === change.path) knob.value = value;
    if (change.key === 'nf_conntrack_max') next.max = Number(value);
    if (change.key === 'nf_conntrack.hashsize' || change.key === 'nf_conntrack_buckets') {
      next.buckets = Number(value);
      next.knobs.buckets.value = value;
    }
    const timeout = change.key.replace(/^nf_conntrack_/, '');
    if (timeout in next.timeouts) next.timeouts[timeout] = Number(value);
  }
  return next;
}

describe('stepDefinitions', () => {
  it('has one definition per kind, keyed by its own kind', () => {
    for (const [kind, definition] of Object.entries(stepDefinitions)) assert.equal(definition.kind, kind);
    assert.deepEqual(Object.keys(stepDefinitions).sort(), [
      'check_count',
      'persist',
      'raise_max',
      'set_hashsize',
      'set_timeouts',
      'unload_nat',
    ]);
  });
});

describe('filesNeeded', () => {
  it('is the union of the steps’ files', () => {
    assert.deepEqual(filesNeeded(tuning), ['/etc/sysctl.conf', modprobeConfPath, modulesLoadPath]);
    assert.deepEqual(filesNeeded(playbookOf([spec.raiseMax(), spec.unloadNat()])), []);
  });
});

describe('planHost', () => {
  it('carries targets through the context: hashsize = the new max / 4, persist writes the new values', () => {
    const facts = modular61Nft();
    facts.cpus = 16; // auto max 524288
    facts.files = { '/etc/sysctl.conf': null, [modprobeConfPath]: null, [modulesLoadPath]: null };
    const plan = planHost(facts, tuning);
    assert.deepEqual(
      plan.steps.map((s) => s.label),
      ['check_count', 'raise_max', 'set_hashsize', 'set_timeouts', 'persist'],
    );
    assert.deepEqual(plan.steps[1]?.lines, ['nf_conntrack_max 65536 → 524288']);
    assert.deepEqual(plan.steps[2]?.lines, ['nf_conntrack.hashsize 65536 → 131072']);
    const persisted = plan.steps[4]!.changes;
    assert.match(
      fileAfter(persisted, '/etc/sysctl.conf')!,
      /nf_conntrack_max = 524288\nnet.netfilter.nf_conntrack_tcp_timeout_established = 86400\n/,
    );
    assert.match(fileAfter(persisted, modprobeConfPath)!, /hashsize=131072/);
  });

  it('a second plan on the changed host has nothing to do', () => {
    for (const make of [modular61Nft, builtin618]) {
      const facts = make();
      facts.files = { '/etc/sysctl.conf': null, [modprobeConfPath]: null, [modulesLoadPath]: null };
      const first = planHost(facts, tuning);
      assert.ok(first.steps.some((s) => s.changes.length > 0));
      const second = planHost(
        applyPlan(
          facts,
          first.steps.flatMap((s) => s.changes),
        ),
        tuning,
      );
      assert.deepEqual(
        second.steps.map((s) => s.changes),
        [[], [], [], [], []],
        make.name,
      );
    }
  });

  it('a refused step sets nothing for the steps after it', () => {
    const facts = builtin618();
    facts.knobs.max.writable = false;
    const plan = planHost(facts, playbookOf([spec.raiseMax({ value: 524288 }), spec.persist()]));
    assert.match(plan.steps[0]?.refusal ?? '', /read-only/);
    assert.match(plan.steps[1]?.lines[0] ?? '', /nothing to persist/);
  });
});

describe('readsRules: only a playbook with unload_nat needs the NAT rule dump', () => {
  const cases: [string, Parameters<typeof playbookOf>[0], boolean][] = [
    ['tuning steps only', [spec.checkCount({ warn_above_percent: 80 })], false],
    ['with unload_nat', [spec.checkCount({ warn_above_percent: 80 }), spec.unloadNat()], true],
  ];
  for (const [name, steps, expected] of cases) it(name, () => assert.equal(readsRules(playbookOf(steps)), expected));
});

// one spec per kind; the mapped type makes a new kind fail to compile until it has a sample here
const sampleSpecs: { [K in StepKind]: Extract<StepSpec, { kind: K }> } = {
  check_count: spec.checkCount({ warn_above_percent: 80 }),
  raise_max: spec.raiseMax(),
  set_hashsize: spec.setHashsize(),
  set_timeouts: spec.setTimeouts({ tcp_timeout_established: 86400 }),
  persist: spec.persist({ sysctl_d: true }),
  unload_nat: spec.unloadNat(),
};

/** The plan of one step on facts whose NAT rule dump found rules using conntrack, or found none. */
function planWithRules(definition: StepDefinition, sample: StepSpec, rulesInUse: boolean): unknown {
  const facts = modular61Nft();
  facts.natRulesInUse = rulesInUse;
  facts.natRuleEvidence = rulesInUse ? ['-A POSTROUTING -o eth0 -j MASQUERADE'] : [];
  return definition.plan(sample, contextOf(facts)).plan;
}

describe('every step definition says whether it reads the NAT rule facts, and says it truly', () => {
  for (const [kind, definition] of Object.entries(stepDefinitions) as [StepKind, StepDefinition][]) {
    const sample = sampleSpecs[kind];
    it(`${kind}: readsRules matches whether its plan depends on the rule dump`, () => {
      assert.equal(typeof definition.readsRules, 'boolean');
      const dependsOnRules = !isDeepStrictEqual(
        planWithRules(definition, sample, true),
        planWithRules(definition, sample, false),
      );
      assert.equal(definition.readsRules, dependsOnRules);
    });
    it(`${kind}: a playbook of this step alone gathers rules exactly when the definition says so`, () =>
      assert.equal(readsRules(playbookOf([sample])), definition.readsRules));
  }
});
