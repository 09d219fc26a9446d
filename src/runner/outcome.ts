/**
 * Outcomes are data; this module is the ONE place that says what they mean: which count against a rollout's
 * thresholds, which go to the retry file, and which exit code a command ends with. The runner returns outcomes,
 * the CLI maps them with `exitCodeOf`, reporters only receive the code.
 */
import type { HostErrorKind } from '../errors.js';
import type { CheckResult } from '../facts/check-result.js';

export type HostOutcome =
  | 'unchanged'
  | 'changed'
  | 'failed' // nothing had changed
  | 'rolled-back'
  | 'rollback-failed'
  | 'unreachable'
  | 'skipped';

export type StepOutcome = 'unchanged' | 'changed' | 'failed' | 'planned' | 'rolled-back' | 'not-run';

export const exitCodes = {
  ok: 0,
  hostFailed: 1,
  badInput: 2,
  rolloutStopped: 3,
  rollbackFailed: 4,
  interrupted: 130,
} as const;

export const allOutcomes: readonly HostOutcome[] = [
  'unchanged',
  'changed',
  'failed',
  'rolled-back',
  'rollback-failed',
  'unreachable',
  'skipped',
];

/** The change was tried on the host and went wrong: evidence against the change, counted by `max_fail_percentage`. */
export const failedOutcomes: ReadonlySet<HostOutcome> = new Set(['failed', 'rolled-back', 'rollback-failed']);

/**
 * The run never got to try the change (no connection, or another run's lock): no evidence against the change,
 * so not counted by `max_fail_percentage`; counted by `max_unreachable_percent` instead.
 */
export const neverChangedOutcomes: ReadonlySet<HostOutcome> = new Set(['unreachable', 'skipped']);

/** The host is left changed by this run: an abort may still roll it back. */
export const changedOutcomes: ReadonlySet<HostOutcome> = new Set(['changed']);

/** Everything but changed and unchanged: worth running again (`--retry-file`). */
export const retryableOutcomes: ReadonlySet<HostOutcome> = new Set([
  'failed',
  'rolled-back',
  'rollback-failed',
  'unreachable',
  'skipped',
]);

/** Per command, the outcomes that mean "done as asked": `rollback` asks for rolled-back hosts, `run` for tuned ones. */
const doneOutcomes: Record<CommandName, ReadonlySet<HostOutcome>> = {
  run: new Set(['changed', 'unchanged']),
  rollback: new Set(['rolled-back', 'unchanged']),
  check: new Set(['unchanged']),
  runs: new Set(['unchanged']),
};

export type CommandName = 'run' | 'rollback' | 'check' | 'runs';

export interface OutcomeSummary {
  /** Hosts per outcome (see countOutcomes). */
  counts: Record<HostOutcome, number>;
  /** `run`: a batch exceeded max_fail_percentage or max_unreachable_percent and no later batch started. */
  stopped?: boolean;
  /** A SIGINT/SIGTERM arrived during the command. */
  interrupted?: boolean;
  /** Of the `skipped` hosts, those that had nothing to do (rollback: no journal of that run): not a failure. */
  nothingToDo?: number;
}

/**
 * The exit code of a command (README "Exit codes"): 4 a rollback failed (the host is NOT as before: the most
 * alarming fact) beats 130 interrupted beats 3 rollout stopped beats 1 a host not done as asked (failed, rolled back
 * by `run`, unreachable, skipped for a lock / a stop / an interrupt) beats 0.
 */
export function exitCodeOf(summary: OutcomeSummary, command: CommandName): number {
  const { counts } = summary;
  if (counts['rollback-failed'] > 0) return exitCodes.rollbackFailed;
  if (summary.interrupted) return exitCodes.interrupted;
  if (summary.stopped) return exitCodes.rolloutStopped;
  const done = doneOutcomes[command];
  const notDone = allOutcomes.reduce((sum, o) => sum + (done.has(o) ? 0 : counts[o]), 0) - (summary.nothingToDo ?? 0);
  return notDone > 0 ? exitCodes.hostFailed : exitCodes.ok;
}

/**
 * The outcome of a host whose work stopped, with this kind, before any change was applied: `unreachable` when
 * nothing ran on it (sudo refused every script: 'become'), so it counts for `max_unreachable_percent`, not as
 * evidence against the change; `failed` for every other kind (a gather that failed, timed out or lost its
 * connection, a plan refusal). A step that failed is rolled back and ends `rolled-back`/`rollback-failed` whatever
 * its kind ('kernel-refused', 'verify-mismatch', 'timeout' …): the kinds say why, the outcomes what it means.
 */
export function stoppedHostOutcome(kind: HostErrorKind): 'unreachable' | 'failed' {
  return nothingRanKinds.has(kind) ? 'unreachable' : 'failed';
}

const nothingRanKinds: ReadonlySet<HostErrorKind> = new Set(['become']);

/** Skipped hosts with these kinds had nothing to do (rollback: no journal of that run): "done as asked". */
const nothingToDoKinds: ReadonlySet<HostErrorKind> = new Set(['no-journal']);

/** The summary exitCodeOf reads, from the hosts' results (outcome and error kind) and the run's flags. */
export function summaryOf(
  results: readonly { outcome: HostOutcome; errorKind?: HostErrorKind }[],
  flags: Pick<OutcomeSummary, 'stopped' | 'interrupted'> = {},
): OutcomeSummary {
  const nothingToDo = results.filter(
    (r) => r.outcome === 'skipped' && r.errorKind !== undefined && nothingToDoKinds.has(r.errorKind),
  ).length;
  return { counts: countOutcomes(results.map((r) => r.outcome)), ...flags, nothingToDo };
}

export function countOutcomes(outcomes: HostOutcome[]): Record<HostOutcome, number> {
  const counts = Object.fromEntries(allOutcomes.map((o) => [o, 0])) as Record<HostOutcome, number>;
  for (const o of outcomes) counts[o] += 1;
  return counts;
}

export function countIn(outcomes: readonly HostOutcome[], set: ReadonlySet<HostOutcome>): number {
  return outcomes.filter((o) => set.has(o)).length;
}

/**
 * `check` and `runs` read only: a host that did not answer is `unreachable`, one that answered wrongly `failed`,
 * and for `check` one with an alarm (too full, dropping — `findCheckAlarms`) `failed` too unless `--no-fail`.
 */
export function readOutcome(
  result: Pick<CheckResult, 'reachable' | 'error' | 'alarms'>,
  options: { alarmsFail?: boolean } = {},
): HostOutcome {
  if (!result.reachable) return 'unreachable';
  if (result.error !== null) return 'failed';
  return options.alarmsFail && (result.alarms ?? []).length > 0 ? 'failed' : 'unchanged';
}
