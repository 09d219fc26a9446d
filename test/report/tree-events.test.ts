import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/runner/events.js';
import { createPaint } from '../../src/report/paint.js';
import { applyTreeEvent } from '../../src/report/tree-events.js';
import { createTreeState, finalizeTreeState, type TreeState } from '../../src/report/tree-state.js';
import { batches, hostResult, hostSequences, step, stepSpecs } from './run-events.fixture.js';

function stateAfter(events: RunEvent[]): TreeState {
  const state = createTreeState({ type: 'run-start', runId: 'r', hosts: batches.flat(), steps: stepSpecs, batches }, createPaint(false));
  events.forEach((e) => applyTreeEvent(state, e));
  return state;
}

const host = (state: TreeState, name: string) => {
  const view = state.hosts.get(name);
  assert.ok(view, name);
  return view;
};

describe('tree state (no listr2 involved)', () => {
  it('follows a host through connect, steps and verdict', async () => {
    const state = stateAfter(hostSequences['lab1'] ?? []);
    const lab1 = host(state, 'lab1');
    assert.equal(await lab1.firstActivity.promise, 'steps');
    assert.equal((await lab1.steps[0]?.done.promise)?.outcome, 'changed');
    assert.equal((await lab1.ended.promise)?.outcome, 'changed');
    assert.equal(await lab1.rollback.done.promise, null);
    assert.equal(lab1.title.text, 'lab1 — changed');
    assert.equal(lab1.rollback.title.text, undefined, 'no rollback, so its task stays untitled');
  });

  it('closes the steps that never ran when a rollback starts', async () => {
    const state = stateAfter([
      { type: 'step-start', host: 'lab2', index: 0, label: 'raise_max' },
      { type: 'step-end', host: 'lab2', index: 0, result: step(0, 'failed', 'EPERM') },
      { type: 'rollback-start', host: 'lab2', reason: 'raise_max: EPERM' },
    ]);
    const lab2 = host(state, 'lab2');
    assert.equal(await lab2.steps[1]?.done.promise, null);
    assert.equal(lab2.steps[1]?.title.text, 'persist — not run');
    assert.equal(lab2.rollback.title.text, 'rolling back: raise_max: EPERM');
    assert.equal(lab2.rollback.done.settled, false);
  });

  it('takes step and rollback results from host-end when their own events never came', async () => {
    const state = stateAfter([{ type: 'host-end', result: hostResult('lab4', 1, 'rollback-failed', { steps: [step(0, 'changed'), step(1, 'failed', 'x')], rollbackMismatches: ['m1'] }) }]);
    const lab4 = host(state, 'lab4');
    assert.equal(await lab4.firstActivity.promise, 'steps');
    assert.equal((await lab4.steps[1]?.done.promise)?.outcome, 'failed');
    assert.equal(await lab4.rollback.done.promise, false);
    assert.equal(lab4.rollback.title.text, 'ROLLBACK FAILED: m1');
  });

  it('sends events about finished or unknown hosts to the notes', () => {
    const state = stateAfter([
      ...(hostSequences['lab5'] ?? []),
      { type: 'rollback-start', host: 'lab5', reason: 'gate failed' },
      { type: 'step-end', host: 'ghost', index: 0, result: step(0, 'changed') },
    ]);
    assert.deepEqual(state.notes.map((n) => `${n.prefix}: ${n.text}`), ['lab5: rolling back: gate failed', 'ghost: raise_max: nf_conntrack_max 65536 → 262144 ok']);
  });

  it('releases a batch when the next one starts, even without batch-end', () => {
    const state = stateAfter([{ type: 'host-start', host: 'lab3', batch: 1 }]);
    assert.equal(state.batches[0]?.gate.done.settled, true);
    assert.equal(state.batches[1]?.gate.done.settled, false);
  });

  it('finalize settles every deferred', () => {
    const state = stateAfter([{ type: 'host-start', host: 'lab1', batch: 0 }]);
    finalizeTreeState(state);
    for (const view of state.hosts.values()) {
      assert.ok(view.ended.settled && view.firstActivity.settled && view.rollback.done.settled);
      assert.ok(view.steps.every((s) => s.done.settled));
    }
    assert.ok(state.batches.every((b) => b.gate.done.settled));
    assert.match(host(state, 'lab1').title.text ?? '', /lab1 — no result/);
    assert.equal(host(state, 'lab2').title.text, 'lab2 — not run');
  });
});
