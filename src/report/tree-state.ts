/** What the live tree shows: plain data settled by run events (tree-events.ts) and drawn by tree-frame.ts. */
import type { HostResult, RunEvent, StepResult } from '../runner/events.js';
import type { Paint } from './paint.js';
import { batchName, type LineContext, type RunLine } from './run-lines.js';
import * as titles from './tree-titles.js';

/** One line's state; it picks the icon (◼ waiting, spinner running, ✔ ok, ✖ failed, ↓ skipped). */
export type NodeState = 'waiting' | 'running' | 'ok' | 'failed' | 'skipped';

export interface StepView {
  label: string;
  title: string;
  state: NodeState;
}

export interface HostView {
  host: string;
  /** Any event about this host arrived (so "not run" would be wrong if it never ends). */
  started: boolean;
  title: string;
  state: NodeState;
  /** Step lines show once a step event (or a host-end with steps) arrived. */
  showSteps: boolean;
  steps: StepView[];
  /** null unless the host rolls back (during its run, after the gate, or by on_abort). */
  rollback: { title: string; state: NodeState } | null;
  /** The latest verdict: a rollback after the host ended brings a second host-end that replaces the first. */
  result: HostResult | null;
  /** host-end arrived, or the run ended without one. */
  ended: boolean;
}

export interface BatchView {
  name: string;
  hosts: HostView[];
  started: boolean;
  /** batch-end arrived, or a later batch started. */
  ended: boolean;
  title: string;
  /** The last status word from events (`running`, `2 of 5 failed, rollout stopped`); null before any. */
  status: string | null;
  /** null until gate-start. */
  gate: { title: string; passed: boolean | null } | null;
}

export interface TreeState {
  paint: Paint;
  context: LineContext;
  batches: BatchView[];
  hosts: Map<string, HostView>;
  /** Printed in full after the tree: warnings, messages, manual-fix text, events about unknown hosts. */
  notes: RunLine[];
}

type RunStart = Extract<RunEvent, { type: 'run-start' }>;

/** `checkMode` (run --check): titles and notes say "would change", as the plain lines do. */
export function createTreeState(start: RunStart, paint: Paint, options: { checkMode?: boolean } = {}): TreeState {
  const batchHosts = start.batches.length > 0 ? start.batches : [start.hosts];
  const context: LineContext = { batches: batchHosts, verbose: false, checkMode: options.checkMode === true };
  const hosts = new Map<string, HostView>();
  const batches = batchHosts.map((names, index): BatchView => {
    const views = names.map((host) => createHostView(host, start.steps, paint));
    views.forEach((view) => hosts.set(view.host, view));
    const name = batchName(index, context);
    return {
      name,
      hosts: views,
      started: false,
      ended: false,
      title: titles.batchTitle(name, views.length, null, paint),
      status: null,
      gate: null,
    };
  });
  return { paint, context, batches, hosts, notes: [] };
}

function createHostView(host: string, steps: RunStart['steps'], paint: Paint): HostView {
  return {
    host,
    started: false,
    title: titles.hostStatusTitle(host, 'waiting', paint),
    state: 'waiting',
    showSteps: false,
    steps: steps.map((s) => ({ label: s.label, title: s.label, state: 'waiting' })),
    rollback: null,
    result: null,
    ended: false,
  };
}

export function stepState(result: StepResult | null): NodeState {
  if (result === null || result.outcome === 'not-run') return 'skipped';
  return result.outcome === 'failed' ? 'failed' : 'ok';
}

/** changed/unchanged are fine, skipped is skipped; every other outcome needs a look. */
export function hostState(result: HostResult): NodeState {
  if (result.outcome === 'changed' || result.outcome === 'unchanged') return 'ok';
  return result.outcome === 'skipped' ? 'skipped' : 'failed';
}

/** Steps still open will not run any more; a result from host-end wins over "not run". */
export function closeSteps(view: HostView, results: StepResult[], paint: Paint): void {
  view.steps.forEach((step, i) => {
    const result = results[i] ?? null;
    if (result) setStep(step, result, paint);
    else if (step.state === 'waiting' || step.state === 'running') {
      step.title = titles.stepNotRunTitle(step.label, paint);
      step.state = 'skipped';
    }
  });
}

export function setStep(step: StepView, result: StepResult, paint: Paint): void {
  step.title = titles.stepEndTitle(result, paint);
  step.state = stepState(result);
}

/** Batches show one after another; a later batch starting means the earlier ones are over, batch-end or not. */
export function releaseEarlierBatches(state: TreeState, batch: number): void {
  state.batches.slice(0, batch).forEach((b) => {
    b.started = true;
    b.ended = true;
  });
  const current = state.batches[batch];
  if (current) current.started = true;
}

/** Settles everything still open (stopped rollout, interrupt, missing events), so the last frame says what happened. */
export function finalizeTreeState(state: TreeState): void {
  for (const view of state.hosts.values()) {
    closeSteps(view, [], state.paint);
    if (view.rollback && view.rollback.state === 'running') {
      view.rollback = { title: state.paint.red('rollback: no result, the run ended first'), state: 'failed' };
    }
    if (view.result && view.state === 'running') {
      view.title = titles.hostRollbackUnfinishedTitle(view.result, state.paint);
      view.state = 'failed';
    } else if (!view.ended || view.state === 'running' || view.state === 'waiting') {
      view.title = titles.hostUnfinishedTitle(view.host, view.started, state.paint);
      view.state = view.started ? 'failed' : 'skipped';
    }
    view.ended = true;
  }
  state.batches.forEach((b) => {
    b.ended = true;
  });
}
