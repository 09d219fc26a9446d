/** Wording of the live tree's titles (hosts, steps, rollbacks, batches, gates). Pure. */
import type { HostResult, StepResult } from '../runner/events.js';
import type { Paint } from './paint.js';
import { describeRollbackEnd, describeStep, formatSoak } from './run-lines.js';
import { outcomeWord } from './summary-line.js';

export function hostStatusTitle(host: string, status: string, paint: Paint): string {
  return `${host} — ${paint.dim(status)}`;
}

/** `checkMode`: nothing was changed, so a host with pending changes "would change" (as the summary line says). */
export function hostEndTitle(result: HostResult, paint: Paint, checkMode = false): string {
  const reason = result.error ? `: ${result.error}` : '';
  switch (result.outcome) {
    case 'changed':
      return `${result.host} — ${paint.green(outcomeWord('changed', { checkMode }))}`;
    case 'unchanged':
      return `${result.host} — unchanged`;
    case 'skipped':
      return `${result.host} — ${paint.yellow(`skipped${reason}`)}`;
    case 'rolled-back':
      return `${result.host} — ${paint.yellow(`rolled back${reason}`)}`;
    case 'rollback-failed':
      // the full manual-fix text is long; it is printed in full after the tree
      return `${result.host} — ${paint.bold(paint.red('ROLLBACK FAILED — fix by hand, details below'))}`;
    case 'failed':
    case 'unreachable':
      return `${result.host} — ${paint.red(`${result.outcome}${reason}`)}`;
  }
}

/** The run ended before this host's verdict: never reached, or cut off mid-way. */
export function hostUnfinishedTitle(host: string, started: boolean, paint: Paint): string {
  return started
    ? `${host} — ${paint.red('no result: the run ended before this host finished')}`
    : paint.dim(`${host} — not run`);
}

/** The host had its verdict, a rollback after it (gate, on_abort) started, and the run ended before it finished. */
export function hostRollbackUnfinishedTitle(result: HostResult, paint: Paint): string {
  return `${result.host} — ${paint.red(`${result.outcome}, then its rollback did not finish: the run ended first`)}`;
}

export function stepEndTitle(result: StepResult, paint: Paint): string {
  const what = describeStep(result);
  switch (result.outcome) {
    case 'changed':
      return what;
    case 'unchanged':
    case 'planned':
      return `${what} ${paint.dim(`(${result.outcome})`)}`;
    case 'rolled-back':
      return `${what} ${paint.yellow('(rolled back)')}`;
    case 'failed':
      return paint.red(`${what} — FAILED${result.error ? `: ${result.error}` : ''}`);
    case 'not-run':
      return paint.dim(`${result.label} — not run`);
  }
}

export function stepNotRunTitle(label: string, paint: Paint): string {
  return paint.dim(`${label} — not run`);
}

export function rollbackStartTitle(reason: string, paint: Paint): string {
  return paint.yellow(`rolling back: ${reason}`);
}

export function rollbackEndTitle(ok: boolean, mismatches: string[], paint: Paint): string {
  const text = describeRollbackEnd(ok, mismatches);
  return ok && mismatches.length === 0 ? paint.yellow(text) : paint.bold(paint.red(text));
}

export function batchTitle(name: string, hostCount: number, status: string | null, paint: Paint): string {
  const base = `${name} (${hostCount} ${hostCount === 1 ? 'host' : 'hosts'})`;
  return status === null ? base : `${base} — ${paint.dim(status)}`;
}

export function gateStartTitle(soakMs: number): string {
  return `gate: soaking ${formatSoak(soakMs)}…`;
}

export function gateEndTitle(failedHosts: { host: string; reason: string }[], paint: Paint): string {
  if (failedHosts.length === 0) return paint.green('gate: passed');
  return paint.red(`gate: failed — ${failedHosts.map((f) => `${f.host}: ${f.reason}`).join('; ')}`);
}
