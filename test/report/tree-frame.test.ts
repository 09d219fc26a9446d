import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/runner/events.js';
import { createPaint } from '../../src/report/paint.js';
import { applyTreeEvent } from '../../src/report/tree-events.js';
import {
  countBatch,
  fullTreeHeight,
  renderFinalFrame,
  renderFrame,
  renderSummaryLines,
  renderTreeLines,
} from '../../src/report/tree-frame.js';
import { createTreeState, finalizeTreeState, type TreeState } from '../../src/report/tree-state.js';
import { batches, fleetRun, hostResult, step, stepSpecs } from './run-events.fixture.js';

const paint = createPaint(false);

function stateOf(events: RunEvent[]): TreeState {
  const [start, ...rest] = events;
  assert.ok(start?.type === 'run-start');
  const state = createTreeState(start, paint);
  rest.forEach((e) => applyTreeEvent(state, e));
  return state;
}

/** n hosts in batches of `size`; host i ends as outcomes(i), or stays running when that is null. */
function bigFleet(
  n: number,
  size: number,
  outcome: (i: number) => 'changed' | 'unchanged' | 'unreachable' | 'failed' | null,
): RunEvent[] {
  const hosts = Array.from({ length: n }, (_, i) => `web${String(i + 1).padStart(3, '0')}`);
  const groups: string[][] = [];
  for (let i = 0; i < n; i += size) groups.push(hosts.slice(i, i + size));
  const events: RunEvent[] = [{ type: 'run-start', runId: 'r', hosts, steps: stepSpecs, batches: groups }];
  groups.forEach((group, b) => {
    events.push({ type: 'batch-start', batch: b, hosts: group });
    for (const host of group) {
      const i = hosts.indexOf(host);
      events.push({ type: 'host-start', host, batch: b });
      const end = outcome(i);
      if (end === null) continue;
      const error =
        end === 'unreachable' ? 'connect timed out after 10000 ms' : end === 'failed' ? 'persist: EROFS' : null;
      const steps =
        end === 'unreachable'
          ? []
          : [step(0, end === 'failed' ? 'changed' : end), step(1, end === 'failed' ? 'failed' : end, error)];
      events.push({ type: 'host-end', result: hostResult(host, b, end, { steps, error }) });
    }
  });
  return events;
}

describe('tree frame (pure: state → lines)', () => {
  it('within the height: batch → host → step lines with listr2-style icons and indentation', () => {
    const state = stateOf(fleetRun());
    finalizeTreeState(state);
    const lines = renderFrame(state, { rows: 60, tick: 0 });
    assert.deepEqual(lines.slice(0, 5), [
      '✖ batch 1/2 (2 hosts) — 1 of 2 failed',
      '  ✔ lab1 — changed',
      '    ✔ raise_max: nf_conntrack_max 65536 → 262144',
      '    ✔ persist: /etc/sysctl.d/90-conntrack-fleet.conf: net.netfilter.nf_conntrack_max = 262144 (unchanged)',
      '  ✖ lab2 — rolled back: persist: read-only file system',
    ]);
    assert.ok(lines.includes('  ✔ gate: passed'));
    assert.ok(lines.includes('    ✖ ROLLBACK FAILED: nf_conntrack_max is 262144, expected 65536'));
    assert.ok(lines.includes('  ✖ lab3 — unreachable: connect ECONNREFUSED 127.0.0.1:2203'));
  });

  it('a running line shows the spinner frame of the tick; waiting lines a square', () => {
    const state = stateOf([fleetRun()[0] as RunEvent, { type: 'host-start', host: 'lab1', batch: 0 }]);
    const [at0, at1] = [renderTreeLines(state, 0), renderTreeLines(state, 1)];
    assert.ok(at0.includes('  ⠋ lab1 — connecting…') && at1.includes('  ⠙ lab1 — connecting…'), at0.join('\n'));
    assert.ok(at0.includes('  ◼ lab2 — waiting'));
  });

  it('fullTreeHeight counts every line the tree can reach, so the choice does not flip mid-run', () => {
    const state = stateOf(fleetRun());
    finalizeTreeState(state);
    assert.ok(renderTreeLines(state, 0).length <= fullTreeHeight(state));
    assert.equal(fullTreeHeight(state), 2 * 2 + 5 * (2 + 2));
  });

  it('past the height: one line of counts per batch, failing hosts in full, one line each', () => {
    const state = stateOf(
      bigFleet(100, 25, (i) =>
        i === 7 ? 'unreachable' : i === 30 ? 'failed' : i >= 60 ? null : i % 2 ? 'changed' : 'unchanged',
      ),
    );
    const lines = renderFrame(state, { rows: 40, tick: 0 });
    assert.deepEqual(lines, [
      '✖ batch 1/4 (25 hosts) — changed 11, unchanged 13, failed 1',
      '  ✖ web008 — unreachable: connect timed out after 10000 ms',
      '✖ batch 2/4 (25 hosts) — changed 13, unchanged 11, failed 1',
      '  ✖ web031 — failed: persist: EROFS',
      '⠋ batch 3/4 (25 hosts) — running 15, changed 5, unchanged 5',
      '⠋ batch 4/4 (25 hosts) — running 25',
    ]);
  });

  it('counts hosts per verdict; a batch not reached yet is waiting', () => {
    const state = stateOf(bigFleet(10, 5, (i) => (i < 5 ? 'changed' : null)).slice(0, 12));
    assert.deepEqual(countBatch(state.batches[0] as TreeState['batches'][number]), {
      waiting: 0,
      running: 0,
      changed: 5,
      unchanged: 0,
      'rolled back': 0,
      failed: 0,
      skipped: 0,
    });
    assert.equal(renderSummaryLines(state, { tick: 0 }).at(-1), '◼ batch 2/2 (5 hosts) — waiting 5');
  });

  it('never outgrows the terminal: failing hosts beyond the budget fold into one line', () => {
    const state = stateOf(bigFleet(300, 100, (i) => (i % 3 === 0 ? 'unreachable' : 'changed')));
    const lines = renderFrame(state, { rows: 24, tick: 0 });
    assert.equal(lines.length, 23, lines.join('\n'));
    assert.ok(lines.some((l) => /^ {2}… \d+ more hosts to look at, listed when the run ends$/.test(l)));
    assert.equal(lines.filter((l) => /^\S batch \d\/3 /.test(l)).length, 3, 'every batch keeps its counts line');
  });

  it('the final frame lists every failing host even past the height, and the tree when it fits', () => {
    const big = stateOf(bigFleet(300, 100, (i) => (i % 3 === 0 ? 'unreachable' : 'changed')));
    finalizeTreeState(big);
    const final = renderFinalFrame(big, 24);
    assert.equal(final.filter((l) => l.includes('unreachable: connect timed out')).length, 100);
    assert.ok(!final.some((l) => l.includes('more hosts to look at')));
    const small = stateOf(fleetRun());
    finalizeTreeState(small);
    assert.deepEqual(renderFinalFrame(small, 60), renderTreeLines(small, 0));
  });

  it('past the height, a host rolled back after its verdict counts as rolled back and is listed', () => {
    const events = bigFleet(50, 50, () => 'changed');
    events.push(
      { type: 'gate-end', batch: 0, failedHosts: [{ host: 'web002', reason: 'drops rising' }] },
      { type: 'rollback-start', host: 'web001', reason: 'gate failed' },
      { type: 'rollback-end', host: 'web001', ok: true, mismatches: [] },
      { type: 'host-end', result: hostResult('web001', 0, 'rolled-back', { error: 'gate failed' }) },
      { type: 'batch-end', batch: 0, failed: 1, total: 50, stopped: false },
    );
    const lines = renderFrame(stateOf(events), { rows: 30, tick: 0 });
    assert.deepEqual(lines, [
      '✖ batch 1/1 (50 hosts) — changed 49, rolled back 1',
      '  ✖ web001 — rolled back: gate failed',
      '  ✖ gate: failed — web002: drops rising',
    ]);
  });

  it('a stopped rollout says so on the batch lines', () => {
    const events = bigFleet(60, 30, (i) => (i < 30 ? 'failed' : null)).filter(
      (e) => !(e.type === 'batch-start' && e.batch === 1) && !('host' in e && (e.host ?? '') > 'web030'),
    );
    events.push({ type: 'batch-end', batch: 0, failed: 30, total: 30, stopped: true });
    const state = stateOf(events);
    finalizeTreeState(state);
    const lines = renderFinalFrame(state, 20);
    assert.equal(lines[0], '✖ batch 1/2 (30 hosts) — failed 30 — 30 of 30 failed, rollout stopped');
    assert.equal(lines.at(-1), '↓ batch 2/2 (30 hosts) — skipped 30 — not started: rollout stopped');
  });

  it('uses batches as given: a single batch puts hosts at the top level', () => {
    const state = stateOf([{ type: 'run-start', runId: 'r', hosts: ['a'], steps: stepSpecs, batches: [['a']] }]);
    assert.deepEqual(renderTreeLines(state, 0), ['◼ a — waiting']);
    assert.equal(batches.length, 2);
  });
});
