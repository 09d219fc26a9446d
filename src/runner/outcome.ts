/** Outcomes are data; the exit code is computed from them. */

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

/** 4 beats 3 beats 1: the most alarming fact wins. */
export function exitCodeFor(outcomes: HostOutcome[], rolloutStopped = false): number {
  if (outcomes.includes('rollback-failed')) return exitCodes.rollbackFailed;
  if (rolloutStopped) return exitCodes.rolloutStopped;
  const bad: HostOutcome[] = ['failed', 'rolled-back', 'unreachable'];
  return outcomes.some((o) => bad.includes(o)) ? exitCodes.hostFailed : exitCodes.ok;
}

export function countOutcomes(outcomes: HostOutcome[]): Record<HostOutcome, number> {
  const counts: Record<HostOutcome, number> = {
    unchanged: 0,
    changed: 0,
    failed: 0,
    'rolled-back': 0,
    'rollback-failed': 0,
    unreachable: 0,
    skipped: 0,
  };
  for (const o of outcomes) counts[o] += 1;
  return counts;
}
