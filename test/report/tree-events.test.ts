import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/runner/events.js';
import { createPaint } from '../../src/report/paint.js';
import { applyTreeEvent } from '../../src/report/tree-events.js';
import { createTreeState, finalizeTreeState, type TreeState } from '../../src/report/tree-state.js';
import { batches, hostResult, hostSequences, step, stepSpecs } from './run-events.fixture.js';

function stateAfter(events: RunEvent[], options: { checkMode?: boolean } = {}): TreeState {
  const state = createTreeState(
    { type: 'run-start', runId: 'r', hosts: batches.flat(), steps: stepSpecs, batches },
    createPaint(false),
    options,
  );
  events.forEach((e) => applyTreeEvent(state, e));
  return state;
}

const host = (state: TreeState, name: string) => {
  const view = state.hosts.get(name);
  assert.ok(view, name);
  return view;
};

/** lab1 changed, then the gate failed and the runner rolled it back (runner/fleet.ts rollBackRecord). */
const lateRollback = (ok: boolean): RunEvent[] => [
  ...(hostSequences['lab1'] ?? []),
  { type: 'gate-end', batch: 0, failedHosts: [{ host: 'lab2', reason: 'drops rising' }] },
  { type: 'rollback-start', host: 'lab1', reason: 'gate failed after batch 1/2' },
  { type: 'rollback-end', host: 'lab1', ok, mismatches: ok ? [] : ['nf_conntrack_max is 262144, expected 65536'] },
  {
    type: 'host-end',
    result: hostResult('lab1', 0, ok ? 'rolled-back' : 'rollback-failed', {
      steps: [step(0, 'rolled-back'), step(1, 'rolled-back')],
      warnings: ['raise_max: memory use grows by 40 MiB'],
      error: ok ? 'gate failed after batch 1/2' : 'gate failed; ROLLBACK FAILED: m. Fix by hand: sysctl -w x=1',
      rollbackMismatches: ok ? [] : ['nf_conntrack_max is 262144, expected 65536'],
    }),
  },
];

describe('tree state (pure data, no terminal)', () => {
  it('follows a host through connect, steps and verdict', () => {
    const lab1 = host(stateAfter(hostSequences['lab1'] ?? []), 'lab1');
    assert.equal(lab1.showSteps, true);
    assert.deepEqual(
      lab1.steps.map((s) => s.state),
      ['ok', 'ok'],
    );
    assert.equal(lab1.result?.outcome, 'changed');
    assert.equal(lab1.state, 'ok');
    assert.equal(lab1.title, 'lab1 — changed');
    assert.equal(lab1.rollback, null, 'no rollback, so no rollback line');
  });

  it('run --check: a host with pending changes "would change", as the plain lines and the summary say', () => {
    const lab1 = host(stateAfter(hostSequences['lab1'] ?? [], { checkMode: true }), 'lab1');
    assert.equal(lab1.result?.outcome, 'changed');
    assert.equal(lab1.title, 'lab1 — would change');
  });

  it('marks the running step and closes the steps that never ran when a rollback starts', () => {
    const running = host(stateAfter([{ type: 'step-start', host: 'lab2', index: 0, label: 'raise_max' }]), 'lab2');
    assert.deepEqual(
      running.steps.map((s) => s.state),
      ['running', 'waiting'],
    );
    const state = stateAfter([
      { type: 'step-start', host: 'lab2', index: 0, label: 'raise_max' },
      { type: 'step-end', host: 'lab2', index: 0, result: step(0, 'failed', 'EPERM') },
      { type: 'rollback-start', host: 'lab2', reason: 'raise_max: EPERM' },
    ]);
    const lab2 = host(state, 'lab2');
    assert.deepEqual(
      lab2.steps.map((s) => s.state),
      ['failed', 'skipped'],
    );
    assert.equal(lab2.steps[1]?.title, 'persist — not run');
    assert.deepEqual(lab2.rollback, { title: 'rolling back: raise_max: EPERM', state: 'running' });
    assert.equal(lab2.state, 'running');
  });

  it('takes step and rollback results from host-end when their own events never came', () => {
    const state = stateAfter([
      {
        type: 'host-end',
        result: hostResult('lab4', 1, 'rollback-failed', {
          steps: [step(0, 'changed'), step(1, 'failed', 'x')],
          rollbackMismatches: ['m1'],
        }),
      },
    ]);
    const lab4 = host(state, 'lab4');
    assert.equal(lab4.showSteps, true);
    assert.deepEqual(
      lab4.steps.map((s) => s.state),
      ['ok', 'failed'],
    );
    assert.deepEqual(lab4.rollback, { title: 'ROLLBACK FAILED: m1', state: 'failed' });
    assert.equal(lab4.state, 'failed');
  });

  it('a host rolled back after its verdict (gate, on_abort) shows the rollback under it and its new verdict', () => {
    const state = stateAfter(lateRollback(true));
    const lab1 = host(state, 'lab1');
    assert.equal(lab1.title, 'lab1 — rolled back: gate failed after batch 1/2');
    assert.equal(lab1.state, 'failed', 'no longer ✔ changed');
    assert.equal(lab1.result?.outcome, 'rolled-back');
    assert.deepEqual(lab1.rollback, { title: 'rolled back, verified exact', state: 'ok' });
    assert.deepEqual(
      lab1.steps.map((s) => s.title),
      [
        'raise_max: nf_conntrack_max 65536 → 262144 (rolled back)',
        'persist: /etc/sysctl.d/90-conntrack-fleet.conf: net.netfilter.nf_conntrack_max = 262144 (rolled back)',
      ],
    );
    const notes = state.notes.map((n) => `${n.prefix}: ${n.text}`);
    assert.deepEqual(
      notes,
      ['lab1: warning: raise_max: memory use grows by 40 MiB'],
      'the rollback is in the tree, warnings once',
    );
  });

  it('while the late rollback runs, the host says so; a failed one leaves the manual fix in the notes', () => {
    const running = stateAfter(lateRollback(true).slice(0, -2));
    assert.equal(host(running, 'lab1').title, 'lab1 — changed, rolling back…');
    assert.equal(host(running, 'lab1').state, 'running');
    const failed = stateAfter(lateRollback(false));
    const lab1 = host(failed, 'lab1');
    assert.equal(lab1.state, 'failed');
    assert.match(lab1.title, /ROLLBACK FAILED/);
    assert.deepEqual(lab1.rollback, {
      title: 'ROLLBACK FAILED: nf_conntrack_max is 262144, expected 65536',
      state: 'failed',
    });
    assert.ok(failed.notes.some((n) => n.prefix === 'lab1' && n.text.includes('Fix by hand: sysctl -w x=1')));
  });

  it('a late rollback the run never finished is not shown as its earlier verdict', () => {
    const state = stateAfter(lateRollback(true).slice(0, -2));
    finalizeTreeState(state);
    const lab1 = host(state, 'lab1');
    assert.equal(lab1.state, 'failed');
    assert.match(lab1.title, /lab1 — changed, then its rollback did not finish/);
    assert.deepEqual(lab1.rollback, { title: 'rollback: no result, the run ended first', state: 'failed' });
  });

  it('sends other events about finished or unknown hosts to the notes', () => {
    const state = stateAfter([
      ...(hostSequences['lab5'] ?? []),
      { type: 'step-end', host: 'lab5', index: 0, result: step(0, 'changed') },
      { type: 'step-end', host: 'ghost', index: 0, result: step(0, 'changed') },
    ]);
    assert.deepEqual(
      state.notes.map((n) => `${n.prefix}: ${n.text}`),
      ['lab5: raise_max: nf_conntrack_max 65536 → 262144 ok', 'ghost: raise_max: nf_conntrack_max 65536 → 262144 ok'],
    );
    assert.equal(host(state, 'lab5').state, 'ok');
  });

  it('releases a batch when the next one starts, even without batch-end', () => {
    const state = stateAfter([{ type: 'host-start', host: 'lab3', batch: 1 }]);
    assert.equal(state.batches[0]?.ended, true);
    assert.equal(state.batches[1]?.started, true);
    assert.equal(state.batches[1]?.ended, false);
  });

  it('finalize settles every line', () => {
    const state = stateAfter([
      { type: 'host-start', host: 'lab1', batch: 0 },
      { type: 'gate-start', batch: 0, soakMs: 1000 },
    ]);
    finalizeTreeState(state);
    for (const view of state.hosts.values()) {
      assert.ok(view.ended && view.state !== 'running' && view.state !== 'waiting', view.host);
      assert.ok(view.steps.every((s) => s.state === 'skipped'));
    }
    assert.ok(state.batches.every((b) => b.ended));
    assert.equal(state.batches[0]?.gate?.passed, null, 'a soak the run never finished is not a pass');
    assert.deepEqual(
      [host(state, 'lab1').state, host(state, 'lab1').title],
      ['failed', 'lab1 — no result: the run ended before this host finished'],
    );
    assert.deepEqual([host(state, 'lab2').state, host(state, 'lab2').title], ['skipped', 'lab2 — not run']);
  });
});
