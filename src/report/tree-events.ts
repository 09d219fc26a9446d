/** Applies one run event to the tree state: titles change, deferreds settle, late news goes to the notes. */
import type { HostResult, RunEvent } from '../runner/events.js';
import type { Paint } from './paint.js';
import { describeEvent, describeStep } from './run-lines.js';
import { type BatchView, closeSteps, type HostView, releaseEarlierBatches, type TreeState } from './tree-state.js';
import * as titles from './tree-titles.js';

export function applyTreeEvent(state: TreeState, event: RunEvent): void {
  if (event.type === 'message') {
    state.notes.push(...describeEvent(event, state.context));
    return;
  }
  if (event.type === 'host-end') {
    applyHostEnd(state, event.result);
    return;
  }
  if ('host' in event) {
    const view = state.hosts.get(event.host);
    if (!view || view.ended.settled) state.notes.push(...describeEvent(event, state.context)); // late: its task is closed
    else applyHostEvent(state.paint, view, event);
    if (event.type === 'host-start') releaseEarlierBatches(state, event.batch);
    return;
  }
  applyFleetEvent(state, event);
}

type HostEvent = Exclude<Extract<RunEvent, { host: string }>, { type: 'message' }>;

function applyHostEvent(paint: Paint, view: HostView, event: HostEvent): void {
  view.started = true;
  const status = (text: string): void => view.title.set(titles.hostStatusTitle(view.host, text, paint));
  switch (event.type) {
    case 'host-start':
      return status('connecting…');
    case 'host-connected':
      return status('gathering facts…');
    case 'host-facts':
      return status('planning…');
    case 'host-planned':
      event.plans.forEach((plan, i) => view.steps[i]?.title.set(describeStep(plan)));
      return status('applying…');
    case 'step-start':
      view.firstActivity.resolve('steps');
      return;
    case 'step-end':
      view.firstActivity.resolve('steps');
      view.steps[event.index]?.title.set(titles.stepEndTitle(event.result, paint));
      view.steps[event.index]?.done.resolve(event.result);
      return;
    case 'rollback-start':
      view.firstActivity.resolve('steps');
      closeSteps(view, [], paint);
      view.rollback.title.set(titles.rollbackStartTitle(event.reason, paint));
      return status('rolling back…');
    case 'rollback-end':
      view.rollback.title.set(titles.rollbackEndTitle(event.ok, event.mismatches, paint));
      view.rollback.done.resolve(event.ok && event.mismatches.length === 0);
      return;
  }
}

function applyHostEnd(state: TreeState, result: HostResult): void {
  const view = state.hosts.get(result.host);
  const endLines = describeEvent({ type: 'host-end', result }, state.context);
  if (!view || view.ended.settled) {
    state.notes.push(...endLines); // a second verdict (e.g. rolled back after a failed gate) or an unknown host
    return;
  }
  const { paint } = state;
  view.firstActivity.resolve(result.steps.length > 0 ? 'steps' : 'ended');
  closeSteps(view, result.steps, paint);
  settleRollback(view, result, paint);
  view.title.set(titles.hostEndTitle(result, paint));
  state.notes.push(...endLines.filter((line) => line.text.startsWith('warning: ') || result.outcome === 'rollback-failed'));
  view.ended.resolve(result);
}

/** The verdict also says how a rollback went, in case its own events never came. */
function settleRollback(view: HostView, result: HostResult, paint: Paint): void {
  if (view.rollback.done.settled) return;
  if (result.outcome === 'rolled-back' || result.outcome === 'rollback-failed') {
    const ok = result.outcome === 'rolled-back';
    view.rollback.title.set(titles.rollbackEndTitle(ok, result.rollbackMismatches, paint));
    view.rollback.done.resolve(ok);
  } else {
    view.rollback.done.resolve(null);
  }
}

type FleetEvent = Extract<RunEvent, { type: 'batch-start' | 'gate-start' | 'gate-end' | 'batch-end' | 'run-start' | 'run-end' }>;

function applyFleetEvent(state: TreeState, event: FleetEvent): void {
  const { paint } = state;
  if (event.type === 'run-start' || event.type === 'run-end') return;
  const batch = state.batches[event.batch];
  if (!batch) return;
  const setStatus = (b: BatchView, status: string): void => b.title.set(titles.batchTitle(b.name, b.hosts.length, status, paint));
  switch (event.type) {
    case 'batch-start':
      releaseEarlierBatches(state, event.batch);
      return setStatus(batch, 'running');
    case 'gate-start':
      return batch.gate.title.set(titles.gateStartTitle(event.soakMs));
    case 'gate-end':
      batch.gate.passed = event.failedHosts.length === 0;
      return batch.gate.title.set(titles.gateEndTitle(event.failedHosts, paint));
    case 'batch-end': {
      const failed = event.failed > 0 ? `${event.failed} of ${event.total} failed` : 'done';
      setStatus(batch, event.stopped ? `${failed}, rollout stopped` : failed);
      if (event.stopped) state.batches.slice(event.batch + 1).forEach((b) => setStatus(b, 'not started: rollout stopped'));
      batch.gate.done.resolve();
      return;
    }
  }
}
