/** Builders for StepResult / HostResult records. Pure. */
import type { HostErrorKind } from '../errors.js';
import type { StepPlan } from '../steps/types.js';
import type { HostResult, StepResult } from './events.js';
import type { HostOutcome, StepOutcome } from './outcome.js';

/** `errorKind`: why a failed step failed (apply-changes.ts ApplyOutcome.errorKind, or 'plan' for a refusal). */
export function stepResult(
  plan: StepPlan,
  outcome: StepOutcome,
  error: string | null = null,
  errorKind: HostErrorKind | null = null,
): StepResult {
  return {
    step: plan.step,
    label: plan.label,
    outcome,
    lines: plan.lines,
    warnings: plan.warnings,
    before: plan.before,
    after: plan.after,
    error,
    ...(errorKind && { errorKind }),
  };
}

export function hostResult(
  host: string,
  batch: number,
  outcome: HostOutcome,
  fields: Partial<Omit<HostResult, 'host' | 'batch' | 'outcome'>> = {},
): HostResult {
  return {
    host,
    outcome,
    batch,
    steps: fields.steps ?? [],
    warnings: fields.warnings ?? [],
    error: fields.error ?? null,
    ...(fields.errorKind && { errorKind: fields.errorKind }),
    rollbackMismatches: fields.rollbackMismatches ?? [],
    ...(fields.drift && { drift: fields.drift }),
    ...(fields.timings ? { timings: fields.timings } : {}),
  };
}

/** Marks the steps that had been applied as rolled back, once the host was restored and verified (never after a failed rollback). */
export function markRolledBack(steps: StepResult[]): StepResult[] {
  return steps.map((s) =>
    s.outcome === 'changed' || s.outcome === 'failed' ? { ...s, outcome: 'rolled-back' as const } : s,
  );
}

export function allWarnings(plans: StepPlan[]): string[] {
  return plans.flatMap((p) => p.warnings.map((w) => `${p.label}: ${w}`));
}
