/** Applies one run event to the tree state: titles and states change, late verdicts replace early ones, news goes to the notes. */
import type { HostResult, RunEvent } from '../runner/events.js';
import type { Paint } from './paint.js';
import { describeEvent, describeStep } from './run-lines.js';
import { closeSteps, type HostView, hostState, releaseEarlierBatches, setStep, type TreeState } from './tree-state.js';
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
    if (view && (!view.ended || isRollback(event))) applyHostEvent(state, view, event);
    else state.notes.push(...describeEvent(event, state.context)); // unknown host, or news after its verdict
    if (event.type === 'host-start') releaseEarlierBatches(state, event.batch);
    return;
  }
  applyFleetEvent(state, event);
}

type HostEvent = Exclude<Extract<RunEvent, { host: string }>, { type: 'message' }>;

/** A host that already ended can still be rolled back: after a failed gate or by on_abort (runner/fleet.ts). */
function isRollback(event: HostEvent): boolean {
  return event.type === 'rollback-start' || event.type === 'rollback-end';
}

function applyHostEvent(state: TreeState, view: HostView, event: HostEvent): void {
  const { paint } = state;
  view.started = true;
  const status = (text: string): void => {
    view.title = titles.hostStatusTitle(view.host, text, paint);
    view.state = 'running';
  };
  switch (event.type) {
    case 'host-start':
      return status('connecting…');
    case 'host-connected':
      return status('gathering facts…');
    case 'host-facts':
      return status('planning…');
    case 'host-planned':
      event.plans.forEach((plan, i) => {
        const step = view.steps[i];
        if (step) step.title = describeStep(plan);
      });
      return status('applying…');
    case 'step-start': {
      view.showSteps = true;
      const step = view.steps[event.index];
      if (step) step.state = 'running';
      return;
    }
    case 'step-end': {
      view.showSteps = true;
      const step = view.steps[event.index];
      if (step) setStep(step, event.result, paint);
      return;
    }
    case 'rollback-start':
      view.showSteps = true;
      closeSteps(view, [], paint);
      view.rollback = { title: titles.rollbackStartTitle(event.reason, paint), state: 'running' };
      return status(view.result ? `${view.result.outcome}, rolling back…` : 'rolling back…');
    case 'rollback-end':
      view.rollback = {
        title: titles.rollbackEndTitle(event.ok, event.mismatches, paint),
        state: event.ok && event.mismatches.length === 0 ? 'ok' : 'failed',
      };
      return;
  }
}

function applyHostEnd(state: TreeState, result: HostResult): void {
  const view = state.hosts.get(result.host);
  const endLines = describeEvent({ type: 'host-end', result }, state.context);
  if (!view) {
    state.notes.push(...endLines);
    return;
  }
  const { paint } = state;
  const first = view.result === null;
  view.started = true;
  if (result.steps.length > 0) view.showSteps = true;
  closeSteps(view, result.steps, paint);
  settleRollback(view, result, paint);
  view.result = result;
  view.ended = true;
  view.title = titles.hostEndTitle(result, paint, state.context.checkMode === true);
  view.state = hostState(result);
  // warnings come once (a second verdict repeats them); the manual-fix text is too long for a title
  state.notes.push(
    ...endLines.filter(
      (line) =>
        (first && line.text.startsWith('warning: ')) ||
        (line.prefix === result.host && result.outcome === 'rollback-failed' && !line.text.startsWith('warning: ')),
    ),
  );
}

/** The verdict also says how a rollback went, in case its own events never came. */
function settleRollback(view: HostView, result: HostResult, paint: Paint): void {
  if (result.outcome !== 'rolled-back' && result.outcome !== 'rollback-failed') return;
  if (view.rollback && view.rollback.state !== 'running') return;
  const ok = result.outcome === 'rolled-back';
  view.rollback = { title: titles.rollbackEndTitle(ok, result.rollbackMismatches, paint), state: ok ? 'ok' : 'failed' };
}

type FleetEvent = Extract<
  RunEvent,
  { type: 'batch-start' | 'gate-start' | 'gate-end' | 'batch-end' | 'run-start' | 'run-end' }
>;

function applyFleetEvent(state: TreeState, event: FleetEvent): void {
  const { paint } = state;
  if (event.type === 'run-start' || event.type === 'run-end') return;
  const batch = state.batches[event.batch];
  if (!batch) return;
  const setStatus = (b: typeof batch, status: string): void => {
    b.title = titles.batchTitle(b.name, b.hosts.length, status, paint);
    b.status = status;
  };
  switch (event.type) {
    case 'batch-start':
      releaseEarlierBatches(state, event.batch);
      return setStatus(batch, 'running');
    case 'gate-start':
      batch.gate = { title: titles.gateStartTitle(event.soakMs), passed: null };
      return;
    case 'gate-end':
      batch.gate = { title: titles.gateEndTitle(event.failedHosts, paint), passed: event.failedHosts.length === 0 };
      return;
    case 'batch-end': {
      const failed = event.failed > 0 ? `${event.failed} of ${event.total} failed` : 'done';
      setStatus(batch, event.stopped ? `${failed}, rollout stopped` : failed);
      if (event.stopped)
        state.batches.slice(event.batch + 1).forEach((b) => setStatus(b, 'not started: rollout stopped'));
      batch.ended = true;
      return;
    }
  }
}
