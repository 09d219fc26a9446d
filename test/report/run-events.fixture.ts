/** Synthetic runner event sequences for the reporter tests (not a test file itself). */
import type { HostResult, RunEvent, StepResult } from '../../src/runner/events.js';
import type { HostOutcome, StepOutcome } from '../../src/runner/outcome.js';

export const stepSpecs = [
  { kind: 'raise_max', label: 'raise_max' },
  { kind: 'persist', label: 'persist' },
];

export function step(index: number, outcome: StepOutcome, error: string | null = null): StepResult {
  const spec = stepSpecs[index] ?? { kind: 'raise_max', label: 'raise_max' };
  const lines =
    index === 0
      ? ['nf_conntrack_max 65536 → 262144']
      : ['/etc/sysctl.d/90-conntrack-fleet.conf: net.netfilter.nf_conntrack_max = 262144'];
  return {
    step: spec.kind,
    label: spec.label,
    outcome,
    lines,
    warnings: [],
    before: { max: 65536 },
    after: { max: 262144 },
    error,
  };
}

export function hostResult(
  host: string,
  batch: number,
  outcome: HostOutcome,
  fields: Partial<HostResult> = {},
): HostResult {
  return { host, outcome, batch, steps: [], warnings: [], error: null, rollbackMismatches: [], ...fields };
}

function begin(host: string, batch: number): RunEvent[] {
  return [
    { type: 'host-start', host, batch },
    { type: 'host-connected', host },
    { type: 'host-planned', host, plans: [] },
  ];
}

function applySteps(host: string, results: StepResult[]): RunEvent[] {
  return results.flatMap((result, index): RunEvent[] =>
    result.outcome === 'unchanged'
      ? [{ type: 'step-end', host, index, result }]
      : [
          { type: 'step-start', host, index, label: result.label },
          { type: 'step-end', host, index, result },
        ],
  );
}

export const manualFix =
  'persist: write failed; ROLLBACK FAILED: nf_conntrack_max is 262144, expected 65536. Fix by hand: sysctl -w net.netfilter.nf_conntrack_max=65536';

/** Per-host event sequences, each in the order one host emits them. */
export const hostSequences: Record<string, RunEvent[]> = {
  lab1: [
    ...begin('lab1', 0),
    ...applySteps('lab1', [step(0, 'changed'), step(1, 'unchanged')]),
    {
      type: 'host-end',
      result: hostResult('lab1', 0, 'changed', {
        steps: [step(0, 'changed'), step(1, 'unchanged')],
        warnings: ['raise_max: memory use grows by 40 MiB'],
      }),
    },
  ],
  lab2: [
    ...begin('lab2', 0),
    ...applySteps('lab2', [step(0, 'changed'), step(1, 'failed', 'read-only file system')]),
    { type: 'rollback-start', host: 'lab2', reason: 'persist: read-only file system' },
    { type: 'rollback-end', host: 'lab2', ok: true, mismatches: [] },
    {
      type: 'host-end',
      result: hostResult('lab2', 0, 'rolled-back', {
        steps: [step(0, 'rolled-back'), step(1, 'rolled-back', 'read-only file system')],
        error: 'persist: read-only file system',
      }),
    },
  ],
  lab3: [
    { type: 'host-start', host: 'lab3', batch: 1 },
    {
      type: 'host-end',
      result: hostResult('lab3', 1, 'unreachable', { error: 'connect ECONNREFUSED 127.0.0.1:2203' }),
    },
  ],
  lab4: [
    ...begin('lab4', 1),
    ...applySteps('lab4', [step(0, 'changed'), step(1, 'failed', 'write failed')]),
    { type: 'rollback-start', host: 'lab4', reason: 'persist: write failed' },
    { type: 'rollback-end', host: 'lab4', ok: false, mismatches: ['nf_conntrack_max is 262144, expected 65536'] },
    {
      type: 'host-end',
      result: hostResult('lab4', 1, 'rollback-failed', {
        steps: [step(0, 'changed'), step(1, 'failed', 'write failed')],
        error: manualFix,
        rollbackMismatches: ['nf_conntrack_max is 262144, expected 65536'],
      }),
    },
  ],
  lab5: [
    ...begin('lab5', 1),
    ...applySteps('lab5', [step(0, 'unchanged'), step(1, 'unchanged')]),
    {
      type: 'host-end',
      result: hostResult('lab5', 1, 'unchanged', { steps: [step(0, 'unchanged'), step(1, 'unchanged')] }),
    },
  ],
};

export const batches = [
  ['lab1', 'lab2'],
  ['lab3', 'lab4', 'lab5'],
];
export const allHosts = batches.flat();

/** Round-robin merge: one event from each host in turn, so hosts interleave but each keeps its own order. */
export function interleave(sequences: RunEvent[][]): RunEvent[] {
  const queues = sequences.map((s) => [...s]);
  const merged: RunEvent[] = [];
  while (queues.some((q) => q.length > 0)) {
    for (const queue of queues) {
      const next = queue.shift();
      if (next) merged.push(next);
    }
  }
  return merged;
}

/** Two batches with a passing gate between them; hosts of a batch interleaved. */
export function fleetRun(options: { withRunEnd?: boolean } = {}): RunEvent[] {
  const batch = (index: number): RunEvent[] => interleave((batches[index] ?? []).map((h) => hostSequences[h] ?? []));
  return [
    { type: 'run-start', runId: 'run-42', hosts: allHosts, steps: stepSpecs, batches },
    { type: 'batch-start', batch: 0, hosts: batches[0] ?? [] },
    ...batch(0),
    { type: 'message', level: 'warn', text: 'soak shortened by flag', host: 'lab2' },
    { type: 'gate-start', batch: 0, soakMs: 30000 },
    { type: 'gate-end', batch: 0, failedHosts: [] },
    { type: 'batch-end', batch: 0, failed: 1, total: 2, stopped: false },
    { type: 'batch-start', batch: 1, hosts: batches[1] ?? [] },
    ...batch(1),
    { type: 'batch-end', batch: 1, failed: 2, total: 3, stopped: false },
    { type: 'message', level: 'info', text: 'journal kept on lab4 for manual repair' },
    ...(options.withRunEnd === false
      ? []
      : [
          {
            type: 'run-end',
            exitCode: 4,
            summary: {
              unchanged: 1,
              changed: 1,
              failed: 0,
              'rolled-back': 1,
              'rollback-failed': 1,
              unreachable: 1,
              skipped: 0,
            },
          } as RunEvent,
        ]),
  ];
}
