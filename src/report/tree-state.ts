/** What the live tree shows, settled by run events (tree-events.ts); listr2 tasks only attach to it (tree-tasks.ts). */
import type { HostResult, RunEvent, StepResult } from '../runner/events.js';
import type { Paint } from './paint.js';
import { batchName, type LineContext, type RunLine } from './run-lines.js';
import { createDeferred, createTitleSlot, type Deferred, type TitleSlot } from './tree-slots.js';
import * as titles from './tree-titles.js';

export interface StepView {
  label: string;
  title: TitleSlot;
  /** null: the step never ran. */
  done: Deferred<StepResult | null>;
}

export interface HostView {
  host: string;
  /** Any event about this host arrived (so "not run" would be wrong if it never ends). */
  started: boolean;
  title: TitleSlot;
  /** 'steps' once a step event (or a host-end with steps) arrived; 'ended' when the host ended without any. */
  firstActivity: Deferred<'steps' | 'ended'>;
  steps: StepView[];
  /** Untitled (invisible) until a rollback starts; true = verified exact, false = failed, null = none. */
  rollback: { title: TitleSlot; done: Deferred<boolean | null> };
  ended: Deferred<HostResult | null>;
}

export interface BatchView {
  name: string;
  hosts: HostView[];
  title: TitleSlot;
  /** Untitled until gate-start; settles at batch-end so the batch title can still change. */
  gate: { title: TitleSlot; passed: boolean | null; done: Deferred<void> };
}

export interface TreeState {
  paint: Paint;
  context: LineContext;
  batches: BatchView[];
  hosts: Map<string, HostView>;
  /** Printed in full after the tree: warnings, messages, manual-fix text, events that came after a host ended. */
  notes: RunLine[];
}

type RunStart = Extract<RunEvent, { type: 'run-start' }>;

export function createTreeState(start: RunStart, paint: Paint): TreeState {
  const batchHosts = start.batches.length > 0 ? start.batches : [start.hosts];
  const context: LineContext = { batches: batchHosts, verbose: false };
  const hosts = new Map<string, HostView>();
  const batches = batchHosts.map((names, index) => {
    const views = names.map((host) => createHostView(host, start.steps, paint));
    views.forEach((view) => hosts.set(view.host, view));
    const name = batchName(index, context);
    const gate = { title: createTitleSlot(), passed: null, done: createDeferred<void>() };
    return { name, hosts: views, title: createTitleSlot(titles.batchTitle(name, views.length, null, paint)), gate };
  });
  return { paint, context, batches, hosts, notes: [] };
}

function createHostView(host: string, steps: RunStart['steps'], paint: Paint): HostView {
  return {
    host,
    started: false,
    title: createTitleSlot(titles.hostStatusTitle(host, 'waiting', paint)),
    firstActivity: createDeferred(),
    steps: steps.map((s) => ({ label: s.label, title: createTitleSlot(s.label), done: createDeferred() })),
    rollback: { title: createTitleSlot(), done: createDeferred() },
    ended: createDeferred(),
  };
}

/** Steps still open will not run any more; a result from host-end wins over "not run". */
export function closeSteps(view: HostView, results: StepResult[], paint: Paint): void {
  view.steps.forEach((step, i) => {
    if (step.done.settled) return;
    const result = results[i] ?? null;
    step.title.set(result ? titles.stepEndTitle(result, paint) : titles.stepNotRunTitle(step.label, paint));
    step.done.resolve(result);
  });
}

/** Batches show one after another; a later batch starting means the earlier ones are over, batch-end or not. */
export function releaseEarlierBatches(state: TreeState, batch: number): void {
  state.batches.slice(0, batch).forEach((b) => b.gate.done.resolve());
}

/** Settles everything still open so every listr2 task can finish (stopped rollout, interrupt, missing events). */
export function finalizeTreeState(state: TreeState): void {
  for (const view of state.hosts.values()) {
    closeSteps(view, [], state.paint);
    if (!view.rollback.done.settled && view.rollback.title.text !== undefined) {
      view.rollback.title.set(state.paint.red('rollback: no result, the run ended first'));
      view.rollback.done.resolve(false);
    }
    view.rollback.done.resolve(null);
    view.firstActivity.resolve('ended');
    if (!view.ended.settled) view.title.set(titles.hostUnfinishedTitle(view.host, view.started, state.paint));
    view.ended.resolve(null);
  }
  state.batches.forEach((b) => b.gate.done.resolve());
}
