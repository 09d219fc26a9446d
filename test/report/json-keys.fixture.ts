/** Realistic inputs for test/report/json-keys.test.ts, from the real planners: a tuned host and a run's events. */
import path from 'node:path';
import type { HostFacts } from '../../src/facts/types.js';
import { loadPlaybook } from '../../src/playbook/load-playbook.js';
import type { RunEvent } from '../../src/runner/events.js';
import { countOutcomes } from '../../src/runner/outcome.js';
import { hostResult, stepResult } from '../../src/runner/step-results.js';
import { planHost } from '../../src/steps/index.js';
import { modprobeConfPath, modulesLoadPath } from '../../src/steps/module-files.js';
import { modular61Nft } from '../fixtures/steps/facts.js';
import { repoDir } from '../integration/run-cli.js';

function withPeak(facts: HostFacts): HostFacts {
  const kept = { count: 61000, atSeconds: 1_764_460_000, source: 'watch' };
  return { ...facts, peak: { stored: kept, read: 'ok', write: 'not-higher', kept } };
}

/** A host as `run playbooks/tune.yaml` gathers it: the files persist reads, absent. */
export function tunedHostFacts(): HostFacts {
  const facts = withPeak(modular61Nft());
  facts.count = 60000;
  facts.files = { ...facts.files, [modprobeConfPath]: null, [modulesLoadPath]: null };
  return facts;
}

/** The events of a `run` over the shipped tune playbook: one host changed, one rolled back, one unreachable. */
export function runEvents(): RunEvent[] {
  const playbook = loadPlaybook(path.join(repoDir, 'playbooks', 'tune.yaml'));
  const plans = planHost(tunedHostFacts(), playbook).steps;
  const steps = plans.map((plan) => stepResult(plan, plan.changes.length > 0 ? 'changed' : 'unchanged'));
  const failed = plans.map((plan, i) =>
    i === 1
      ? stepResult(plan, 'rolled-back', 'raise_max: read back 65536', 'verify-mismatch')
      : stepResult(plan, 'not-run'),
  );
  const timings = { connectMs: 40, lockMs: 3, gatherMs: 25, journalMs: 4 };
  const results = [
    hostResult('web1', 0, 'changed', { steps, timings }),
    hostResult('web2', 1, 'rolled-back', {
      steps: failed,
      errorKind: 'verify-mismatch',
      error: 'raise_max: read back 65536',
    }),
    hostResult('Web3.Example', 1, 'unreachable', { error: 'connect ECONNREFUSED', errorKind: 'unreachable' }),
  ];
  return [
    {
      type: 'run-start',
      runId: 'R1',
      hosts: results.map((r) => r.host),
      steps: [],
      batches: [['web1'], ['web2', 'Web3.Example']],
    },
    { type: 'host-start', host: 'web1', batch: 0 },
    { type: 'host-planned', host: 'web1', plans },
    ...steps.map((result, index): RunEvent => ({ type: 'step-end', host: 'web1', index, result })),
    ...results.map((result): RunEvent => ({ type: 'host-end', result })),
    { type: 'gate-start', batch: 0, soakMs: 10_000 },
    { type: 'gate-end', batch: 0, failedHosts: [{ host: 'web1', reason: 'table 95.0% full' }] },
    { type: 'run-end', exitCode: 1, summary: countOutcomes(results.map((r) => r.outcome)) },
  ];
}

export const meta = {
  playbook: 'playbooks/tune.yaml',
  startedAt: new Date(0),
  finishedAt: new Date(1000),
  diffs: true,
};
