import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/runner/events.js';
import { buildRunReport, noResultError, notRunError, summarizeRun } from '../../src/report/run-report.js';
import { allHosts, batches, fleetRun, hostResult, manualFix, stepSpecs } from './run-events.fixture.js';

const meta = {
  playbook: 'playbooks/tune.yaml',
  startedAt: new Date('2025-01-02T03:04:05Z'),
  finishedAt: new Date('2025-01-02T03:05:00Z'),
};

describe('buildRunReport', () => {
  const report = buildRunReport(fleetRun(), meta);

  it('has the documented top-level keys', () => {
    assert.deepEqual(
      Object.keys(report).sort(),
      [
        'check_mode',
        'exit_code',
        'finished_at',
        'gates',
        'hosts',
        'playbook',
        'run_id',
        'started_at',
        'summary',
      ].sort(),
    );
    assert.equal(report.run_id, 'run-42');
    assert.equal(report.playbook, 'playbooks/tune.yaml');
    assert.equal(report.started_at, '2025-01-02T03:04:05.000Z');
    assert.equal(report.finished_at, '2025-01-02T03:05:00.000Z');
  });

  it('lists every host in run-start order with its outcome, batch (counting from 1), error and steps', () => {
    assert.deepEqual(
      report.hosts.map((h) => [h.host, h.outcome, h.batch]),
      [
        ['lab1', 'changed', 1],
        ['lab2', 'rolled-back', 1],
        ['lab3', 'unreachable', 2],
        ['lab4', 'rollback-failed', 2],
        ['lab5', 'unchanged', 2],
      ],
    );
    const lab4 = report.hosts.find((h) => h.host === 'lab4');
    assert.equal(lab4?.error, manualFix);
    assert.deepEqual(lab4?.rollback_mismatches, ['nf_conntrack_max is 262144, expected 65536']);
    assert.deepEqual(Object.keys(lab4?.steps[0] ?? {}).sort(), [
      'after',
      'before',
      'error',
      'label',
      'outcome',
      'step',
    ]);
    assert.deepEqual(report.hosts.find((h) => h.host === 'lab1')?.warnings, ['raise_max: memory use grows by 40 MiB']);
  });

  it('counts every outcome, zeros included', () => {
    assert.deepEqual(report.summary, {
      unchanged: 1,
      changed: 1,
      failed: 0,
      'rolled-back': 1,
      'rollback-failed': 1,
      unreachable: 1,
      skipped: 0,
    });
  });

  it('takes the exit code from run-end', () => {
    assert.equal(report.exit_code, 4);
  });

  it('records gates with their batch (counting from 1), soak and failed hosts', () => {
    assert.deepEqual(report.gates, [{ batch: 1, soak_ms: 30000, passed: true, failed_hosts: [] }]);
  });

  it('is JSON round-trippable', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
  });
});

describe('summarizeRun without a run-end (interrupted or crashed runner)', () => {
  const cases: [string, RunEvent[], number][] = [
    ['rollback-failed wins: 4', fleetRun({ withRunEnd: false }), 4],
    [
      'a stopped rollout: 3',
      [
        { type: 'run-start', runId: 'r', hosts: ['a', 'b'], steps: stepSpecs, batches: [['a'], ['b']] },
        { type: 'host-end', result: hostResult('a', 0, 'failed', { error: 'refused' }) },
        { type: 'batch-end', batch: 0, failed: 1, total: 1, stopped: true },
      ],
      3,
    ],
    [
      'all unchanged: 0',
      [
        { type: 'run-start', runId: 'r', hosts: ['a'], steps: [], batches: [['a']] },
        { type: 'host-end', result: hostResult('a', 0, 'unchanged') },
      ],
      0,
    ],
  ];
  for (const [name, events, exitCode] of cases) {
    it(name, () => assert.equal(summarizeRun(events).exitCode, exitCode));
  }

  it('reports announced hosts that never ended as skipped "not run"', () => {
    const events: RunEvent[] = [{ type: 'run-start', runId: 'r', hosts: allHosts, steps: stepSpecs, batches }];
    const tally = summarizeRun(events);
    assert.equal(tally.summary.skipped, allHosts.length);
    assert.deepEqual(
      tally.hosts.map((h) => [h.host, h.batch, h.error]),
      allHosts.map((h) => [h, batches.findIndex((b) => b.includes(h)) + 1, notRunError]),
    );
  });

  it('counts a host that started but never reported as failed, its state unknown', () => {
    const events: RunEvent[] = [
      { type: 'run-start', runId: 'r', hosts: ['a', 'b'], steps: stepSpecs, batches: [['a', 'b']] },
      { type: 'host-start', host: 'a', batch: 0 },
      { type: 'host-end', result: hostResult('b', 0, 'changed') },
    ];
    const tally = summarizeRun(events);
    assert.deepEqual(
      tally.hosts.map((h) => [h.host, h.outcome, h.error]),
      [
        ['a', 'failed', noResultError],
        ['b', 'changed', null],
      ],
    );
    assert.equal(tally.exitCode, 1);
  });

  it('lets a later host-end for the same host win (rolled back after a failed gate)', () => {
    const events: RunEvent[] = [
      { type: 'run-start', runId: 'r', hosts: ['a'], steps: [], batches: [['a']] },
      { type: 'host-end', result: hostResult('a', 0, 'changed') },
      { type: 'gate-start', batch: 0, soakMs: 1500 },
      { type: 'gate-end', batch: 0, failedHosts: [{ host: 'a', reason: 'usage 95% > 90%' }] },
      { type: 'host-end', result: hostResult('a', 0, 'rolled-back', { error: 'gate failed' }) },
    ];
    const report = buildRunReport(events, meta);
    assert.deepEqual(
      report.hosts.map((h) => h.outcome),
      ['rolled-back'],
    );
    assert.equal(report.exit_code, 1);
    assert.deepEqual(report.gates, [
      { batch: 1, soak_ms: 1500, passed: false, failed_hosts: [{ host: 'a', reason: 'usage 95% > 90%' }] },
    ]);
  });

  it('keeps why a step failed (step error_kind) when the host error_kind says the rollback failed', () => {
    const failedStep = {
      step: 'set_timeouts',
      label: 'set_timeouts',
      outcome: 'rolled-back' as const,
      lines: [],
      warnings: [],
      before: {},
      after: {},
      error:
        'nf_conntrack_udp_timeout (/proc/sys/net/netfilter/nf_conntrack_udp_timeout): write failed: Read-only file system',
      errorKind: 'kernel-refused' as const,
    };
    const events: RunEvent[] = [
      { type: 'run-start', runId: 'r', hosts: ['a'], steps: [], batches: [['a']] },
      {
        type: 'host-end',
        result: hostResult('a', 0, 'rollback-failed', { steps: [failedStep], errorKind: 'rollback', error: 'x' }),
      },
    ];
    const host = buildRunReport(events, meta).hosts[0];
    assert.deepEqual([host?.error_kind, host?.steps.map((s) => s.error_kind)], ['rollback', ['kernel-refused']]);
  });

  it('survives an empty event list', () => {
    const report = buildRunReport([], meta);
    assert.equal(report.run_id, null);
    assert.deepEqual(report.hosts, []);
    assert.equal(report.exit_code, 0);
  });
});

describe('buildRunReport: --check and --diff', () => {
  const file = (text: string) => ({ contentBase64: Buffer.from(text).toString('base64'), mode: 0o644, uid: 0, gid: 0 });
  const plans = [
    {
      step: 'raise_max',
      label: 'raise_max',
      changes: [{ kind: 'sysctl', key: 'net.netfilter.nf_conntrack_max', before: '65536', after: '262144' }],
      warnings: [],
      lines: [],
      before: {},
      after: {},
    },
    {
      step: 'persist',
      label: 'persist',
      changes: [
        {
          kind: 'file',
          path: '/etc/sysctl.d/90-x.conf',
          before: null,
          after: file('net.netfilter.nf_conntrack_max = 262144\n'),
        },
      ],
      warnings: [],
      lines: [],
      before: {},
      after: {},
    },
  ] as unknown as import('../../src/steps/types.js').StepPlan[];
  const result = hostResult('lab1', 0, 'changed', {
    steps: [0, 1].map((i) => ({
      step: stepSpecs[i]!.kind,
      label: stepSpecs[i]!.label,
      outcome: 'planned' as const,
      lines: [],
      warnings: [],
      before: {},
      after: {},
      error: null,
    })),
  });
  const events: RunEvent[] = [
    { type: 'run-start', runId: 'run-7', hosts: ['lab1'], steps: stepSpecs, batches: [['lab1']] },
    { type: 'host-start', host: 'lab1', batch: 0 },
    { type: 'host-planned', host: 'lab1', plans },
    { type: 'host-end', result },
  ];

  it('marks a check run, and not a real one', () => {
    assert.equal(buildRunReport(events, { ...meta, checkMode: true }).check_mode, true);
    assert.equal(buildRunReport(events, meta).check_mode, false);
    assert.deepEqual(
      buildRunReport(events, { ...meta, checkMode: true }).hosts[0]?.steps.map((s) => s.outcome),
      ['planned', 'planned'],
    );
  });

  it('attaches each file change as a unified diff under its step with --diff, an empty list for steps without files', () => {
    const steps = buildRunReport(events, { ...meta, diffs: true }).hosts[0]?.steps ?? [];
    assert.deepEqual(steps[0]?.diffs, []);
    assert.equal(steps[1]?.diffs?.length, 1);
    assert.equal(steps[1]?.diffs?.[0]?.path, '/etc/sysctl.d/90-x.conf');
    assert.match(steps[1]?.diffs?.[0]?.diff ?? '', /^\+net\.netfilter\.nf_conntrack_max = 262144$/m);
  });

  it('has no diffs key without --diff', () => {
    const steps = buildRunReport(events, meta).hosts[0]?.steps ?? [];
    assert.ok(steps.every((s) => !('diffs' in s)));
  });
});
