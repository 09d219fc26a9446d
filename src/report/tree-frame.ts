/**
 * Pure drawing of the live tree: TreeState → lines. Within the terminal's height one line per batch, host, step,
 * rollback and gate (the listr2 look: icon, title, two spaces per level); past it one line of counts per batch and
 * only the hosts that need a look, one line each, so a frame never outgrows the screen whatever the fleet size.
 */
import type { Paint } from './paint.js';
import type { BatchView, HostView, NodeState, TreeState } from './tree-state.js';

/** listr2's default spinner ("dots"), one frame per 100 ms tick. */
export const spinnerFrames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;

export interface FrameOptions {
  /** Terminal rows; a frame uses at most rows - 1 so the cursor line never scrolls it. */
  rows: number;
  /** Spinner frame index (any integer; taken modulo the frame count). */
  tick: number;
}

export function icon(state: NodeState, paint: Paint, tick: number): string {
  switch (state) {
    case 'ok':
      return paint.green('✔');
    case 'failed':
      return paint.red('✖');
    case 'skipped':
      return paint.yellow('↓');
    case 'running':
      return paint.yellow(
        spinnerFrames[((tick % spinnerFrames.length) + spinnerFrames.length) % spinnerFrames.length] ?? '⠋',
      );
    case 'waiting':
      return paint.dim('◼');
  }
}

const nodeLine = (level: number, state: NodeState, title: string, paint: Paint, tick: number): string =>
  `${'  '.repeat(level)}${icon(state, paint, tick)} ${title}`;

/** The most lines the per-host tree can take (every host with all steps and a rollback, every gate). */
export function fullTreeHeight(state: TreeState): number {
  const stepCount = state.batches[0]?.hosts[0]?.steps.length ?? 0;
  const nested = state.batches.length > 1 ? 1 : 0;
  return state.batches.reduce((sum, b) => sum + nested + 1 + b.hosts.length * (stepCount + 2), 0);
}

/** The tree when it fits in rows - 1 lines at its tallest, else the batch summary. */
export function renderFrame(state: TreeState, options: FrameOptions): string[] {
  const budget = Math.max(1, options.rows - 1);
  if (fullTreeHeight(state) <= budget) return renderTreeLines(state, options.tick);
  return renderSummaryLines(state, { tick: options.tick, maxLines: budget });
}

export function batchState(batch: BatchView): NodeState {
  if (!batch.started && !batch.ended) return 'waiting';
  if (!batch.ended || batch.hosts.some((h) => h.state === 'running')) return 'running';
  const failed = batch.gate?.passed === false || batch.hosts.some((h) => h.state === 'failed');
  if (failed) return 'failed';
  return batch.started ? 'ok' : 'skipped';
}

export function renderTreeLines(state: TreeState, tick: number): string[] {
  const { paint } = state;
  const nested = state.batches.length > 1;
  const level = nested ? 1 : 0;
  return state.batches.flatMap((batch) => [
    ...(nested ? [nodeLine(0, batchState(batch), batch.title, paint, tick)] : []),
    ...batch.hosts.flatMap((host) => hostLines(host, level, paint, tick)),
    ...(batch.gate ? [nodeLine(level, gateState(batch), batch.gate.title, paint, tick)] : []),
  ]);
}

function gateState(batch: BatchView): NodeState {
  if (batch.gate?.passed === true) return 'ok';
  if (batch.gate?.passed === false) return 'failed';
  return batch.ended ? 'skipped' : 'running';
}

function hostLines(host: HostView, level: number, paint: Paint, tick: number): string[] {
  const lines = [nodeLine(level, host.state, host.title, paint, tick)];
  if (host.showSteps) {
    for (const step of host.steps) lines.push(nodeLine(level + 1, step.state, step.title, paint, tick));
  }
  if (host.rollback) lines.push(nodeLine(level + 1, host.rollback.state, host.rollback.title, paint, tick));
  return lines;
}

export interface BatchCounts {
  waiting: number;
  running: number;
  changed: number;
  unchanged: number;
  'rolled back': number;
  failed: number;
  skipped: number;
}

/** Per batch: hosts not started, in progress, and by verdict (failed = failed, unreachable, rollback failed, no result). */
export function countBatch(batch: BatchView): BatchCounts {
  const counts: BatchCounts = {
    waiting: 0,
    running: 0,
    changed: 0,
    unchanged: 0,
    'rolled back': 0,
    failed: 0,
    skipped: 0,
  };
  for (const host of batch.hosts) counts[countKey(host)] += 1;
  return counts;
}

function countKey(host: HostView): keyof BatchCounts {
  if (host.state === 'waiting') return 'waiting';
  if (host.state === 'running') return 'running';
  const outcome = host.result?.outcome;
  if (outcome === 'changed' || outcome === 'unchanged') return outcome;
  if (outcome === 'rolled-back') return 'rolled back';
  return host.state === 'skipped' ? 'skipped' : 'failed';
}

/** `running 4, changed 3, failed 1` (zero counts left out), or `waiting` for a batch not reached yet. */
export function formatCounts(counts: BatchCounts): string {
  const parts = (Object.keys(counts) as (keyof BatchCounts)[])
    .filter((k) => counts[k] > 0)
    .map((k) => `${k} ${counts[k]}`);
  return parts.length > 0 ? parts.join(', ') : 'no hosts';
}

/** Hosts that need a look: failed, unreachable, rolled back (now or later), no result. */
export function needsLook(host: HostView): boolean {
  return host.state === 'failed' || host.rollback !== null;
}

/**
 * One counts line per batch, then its hosts that need a look (in full, one line each), then its gate. With maxLines,
 * host lines beyond the budget fold into `… N more` so the frame fits; without, every such host is listed.
 */
export function renderSummaryLines(state: TreeState, options: { tick: number; maxLines?: number }): string[] {
  const { paint } = state;
  const { tick } = options;
  const fixed = state.batches.reduce((n, b) => n + 1 + (b.gate ? 1 : 0), 0);
  const flaggedPerBatch = state.batches.map((b) => b.hosts.filter(needsLook));
  const flaggedTotal = flaggedPerBatch.reduce((n, f) => n + f.length, 0);
  const budget = options.maxLines === undefined ? Number.POSITIVE_INFINITY : Math.max(0, options.maxLines - fixed);
  // when not all fit, every batch with hosts to show keeps one line for its `… N more`
  const folds = flaggedTotal <= budget ? 0 : flaggedPerBatch.filter((f) => f.length > 0).length;
  let spare = budget - folds;
  return state.batches.flatMap((batch, index) => {
    const flagged = flaggedPerBatch[index] ?? [];
    const shown = flagged.slice(0, Math.max(0, spare));
    spare -= shown.length;
    const hidden = flagged.length - shown.length;
    const stopped = batch.status?.includes('rollout stopped') ? ` — ${batch.status}` : '';
    const head = `${batch.name} (${batch.hosts.length} ${batch.hosts.length === 1 ? 'host' : 'hosts'}) — ${formatCounts(countBatch(batch))}${stopped}`;
    return [
      nodeLine(0, batchState(batch), head, paint, tick),
      ...shown.map((host) => nodeLine(1, host.state, host.title, paint, tick)),
      ...(hidden > 0
        ? [`  ${paint.dim(`… ${hidden} more ${hidden === 1 ? 'host' : 'hosts'} to look at, listed when the run ends`)}`]
        : []),
      ...(batch.gate ? [nodeLine(1, gateState(batch), batch.gate.title, paint, tick)] : []),
    ];
  });
}

/** After the run: the whole tree if it fits the terminal, else the summary with every host that needs a look. */
export function renderFinalFrame(state: TreeState, rows: number): string[] {
  if (fullTreeHeight(state) <= Math.max(1, rows - 1)) return renderTreeLines(state, 0);
  return renderSummaryLines(state, { tick: 0 });
}
