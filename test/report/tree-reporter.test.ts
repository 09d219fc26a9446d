import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/runner/events.js';
import { createTreeReporter } from '../../src/report/tree-reporter.js';
import { ansiColor, createCapture, lastFrame } from './capture.fixture.js';
import {
  allHosts,
  batches,
  fleetRun,
  hostResult,
  hostSequences,
  manualFix,
  step,
  stepSpecs,
} from './run-events.fixture.js';

const summary = '5 hosts: 1 changed, 1 unchanged, 1 unreachable, 1 rolled-back, 1 rollback-failed (exit 4)';
// a hang must fail the test, not stall the suite
const limit = { timeout: 15_000 };

/** Feeds events with a macrotask between some of them, so listr2 really renders while the run goes on. */
async function runTree(events: RunEvent[], color = false): Promise<string> {
  const capture = createCapture({ isTTY: true });
  const reporter = createTreeReporter({ stream: capture.stream, color });
  for (const [i, event] of events.entries()) {
    reporter.onEvent(event);
    if (i % 4 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await reporter.finish();
  return capture.text();
}

/** Deterministic shuffle that keeps each host's own order but mixes hosts (and batches) freely. */
function shuffleAcrossHosts(seed: number): RunEvent[] {
  let state = seed;
  const random = (): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const queues = Object.values(hostSequences).map((s) => [...s]);
  const mixed: RunEvent[] = [];
  while (queues.some((q) => q.length > 0)) {
    const open = queues.filter((q) => q.length > 0);
    const next = open[Math.floor(random() * open.length)]?.shift();
    if (next) mixed.push(next);
  }
  const fleet = fleetRun().filter((e) => !('host' in e) || e.type === 'message');
  const [start, ...rest] = fleet;
  return [start as RunEvent, ...mixed.slice(0, 7), ...rest.slice(0, 3), ...mixed.slice(7), ...rest.slice(3)];
}

describe('tree reporter (live frames on a fake TTY)', () => {
  it('shows batches, hosts, steps, rollbacks and the gate, then notes and the summary', limit, async () => {
    const output = await runTree(fleetRun());
    const frame = lastFrame(output);
    for (const expected of [
      'batch 1/2 (2 hosts) — 1 of 2 failed',
      'lab1 — changed',
      'raise_max: nf_conntrack_max 65536 → 262144',
      'lab2 — rolled back: persist: read-only file system',
      'rolled back, verified exact',
      'gate: passed',
      'lab3 — unreachable: connect ECONNREFUSED 127.0.0.1:2203',
      'lab4 — ROLLBACK FAILED',
      'ROLLBACK FAILED: nf_conntrack_max is 262144, expected 65536',
      'lab5 — unchanged',
    ]) {
      assert.ok(frame.includes(expected), `tree lacks: ${expected}\n${frame}`);
    }
    assert.ok(
      frame.indexOf('lab1 — changed') < frame.indexOf('lab3 — unreachable'),
      'batch 1 hosts come before batch 2 hosts',
    );
    assert.ok(frame.includes(`lab4: rollback-failed: ${manualFix}`), 'manual-fix text printed in full after the tree');
    assert.ok(frame.includes('lab1: warning: raise_max: memory use grows by 40 MiB'));
    assert.equal(frame.trimEnd().split('\n').at(-1), summary);
  });

  it('keeps step lines visible after their host completed', limit, async () => {
    const frame = lastFrame(await runTree(fleetRun()));
    const lab5 = frame.slice(frame.indexOf('lab5 — unchanged'));
    assert.match(lab5, /raise_max: .*\(unchanged\)/);
  });

  for (const seed of [1, 7, 42]) {
    it(`finishes when hosts and batches arrive out of order (seed ${seed})`, limit, async () => {
      const frame = lastFrame(await runTree(shuffleAcrossHosts(seed)));
      assert.equal(frame.trimEnd().split('\n').at(-1), summary);
      for (const host of allHosts) assert.ok(frame.includes(`${host} — `), `${host} missing`);
    });
  }

  it(
    'does not hang when a host fails and then goes silent (no host-end, no batch-end, no run-end)',
    limit,
    async () => {
      const events: RunEvent[] = [
        { type: 'run-start', runId: 'r', hosts: allHosts, steps: stepSpecs, batches },
        { type: 'batch-start', batch: 0, hosts: batches[0] ?? [] },
        { type: 'host-start', host: 'lab2', batch: 0 },
        { type: 'step-start', host: 'lab2', index: 0, label: 'raise_max' },
        { type: 'step-end', host: 'lab2', index: 0, result: step(0, 'failed', 'permission denied') },
        { type: 'rollback-start', host: 'lab2', reason: 'raise_max: permission denied' },
        ...(hostSequences['lab1'] ?? []),
      ];
      const frame = lastFrame(await runTree(events));
      assert.ok(frame.includes('lab2 — no result'), frame);
      assert.ok(frame.includes('persist — not run'), frame);
      assert.match(frame, /✖ rollback: no result/);
      assert.ok(frame.includes('lab3 — not run'), frame);
      assert.equal(frame.trimEnd().split('\n').at(-1), '5 hosts: 1 changed, 3 skipped, 1 failed (exit 1)');
    },
  );

  it(
    'puts hosts at the top level for a single batch, a late rollback under its host, unknown hosts in the notes',
    limit,
    async () => {
      const events: RunEvent[] = [
        { type: 'message', level: 'info', text: 'before run-start: ignored by the tree' },
        { type: 'run-start', runId: 'r', hosts: ['a'], steps: stepSpecs, batches: [['a']] },
        { type: 'host-start', host: 'a', batch: 0 },
        {
          type: 'host-end',
          result: hostResult('a', 0, 'changed', { steps: [step(0, 'changed'), step(1, 'changed')] }),
        },
        { type: 'rollback-start', host: 'a', reason: 'gate failed' },
        { type: 'rollback-end', host: 'a', ok: true, mismatches: [] },
        {
          type: 'host-end',
          result: hostResult('a', 0, 'rolled-back', {
            steps: [step(0, 'rolled-back'), step(1, 'rolled-back')],
            error: 'gate failed',
          }),
        },
        { type: 'host-end', result: hostResult('stranger', 0, 'unreachable', { error: 'who?' }) },
        {
          type: 'run-end',
          exitCode: 1,
          summary: {
            unchanged: 0,
            changed: 0,
            failed: 0,
            'rolled-back': 1,
            'rollback-failed': 0,
            unreachable: 1,
            skipped: 0,
          },
        },
      ];
      const frame = lastFrame(await runTree(events));
      assert.doesNotMatch(frame, /batch 1/);
      assert.doesNotMatch(frame, /a — changed/, 'a rolled-back host does not stay ✔ changed');
      assert.match(
        frame,
        /^✖ a — rolled back: gate failed\n {2}✔ raise_max: nf_conntrack_max 65536 → 262144 \(rolled back\)\n {2}✔ persist: .* \(rolled back\)\n {2}✔ rolled back, verified exact$/m,
      );
      assert.ok(frame.includes('stranger: unreachable: who?'), 'an unknown host goes to the notes');
      assert.doesNotMatch(frame, /^a: /m, 'the rollback is in the tree, not repeated in the notes');
      assert.equal(frame.trimEnd().split('\n').at(-1), '2 hosts: 1 unreachable, 1 rolled-back (exit 1)');
    },
  );

  it('colors only when asked', limit, async () => {
    assert.doesNotMatch(await runTree(fleetRun(), false), ansiColor);
    assert.match(await runTree(fleetRun(), true), ansiColor);
  });

  it('prints just the summary when the run never started', limit, async () => {
    const capture = createCapture({ isTTY: true });
    const reporter = createTreeReporter({ stream: capture.stream, color: false });
    await reporter.finish();
    assert.equal(capture.text().trim(), '0 hosts: none (exit 0)');
  });
});
