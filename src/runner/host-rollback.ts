/** Rolling one host back after a failed step or an interrupt: restore what this run applied, verify, mark the journal. */
import type { HostErrorKind } from '../errors.js';
import type { StepPlan } from '../steps/types.js';
import type { JournalEntry } from './journal.js';
import { type HostRunOptions, type HostRunRecord, type Progress, record } from './host-run-types.js';
import { restoreHost, restoreVerdict } from './restore.js';
import { hostResult, markRolledBack, stepResult } from './step-results.js';

/** The journal entry of this run on this host: every planned change, and how many of them were applied. */
export function journalEntry(options: HostRunOptions, plans: StepPlan[], appliedCount: number): JournalEntry {
  const now = new Date().toISOString();
  return {
    version: 1,
    run_id: options.runId,
    playbook: options.playbook.file,
    host: options.target.name,
    started_at: options.startedAt.toISOString(),
    updated_at: now,
    state: 'applying',
    changes: plans.flatMap((p) => p.changes),
    applied_count: appliedCount,
  };
}

/** Why a host is rolled back: the stage that failed (or the interrupt) and the message. */
export interface RollBackCause {
  kind: HostErrorKind;
  reason: string;
}

export const interrupted: RollBackCause = { kind: 'interrupted', reason: 'interrupted' };

/** Restores the host from what this run applied to it; a host nothing was applied to is only marked. */
export async function rollBack(
  options: HostRunOptions,
  progress: Progress,
  cause: RollBackCause,
): Promise<HostRunRecord> {
  const { target, batch } = options;
  const { plans, steps, applied, warnings, facts } = progress;
  plans.slice(steps.length).forEach((p) => steps.push(stepResult(p, 'not-run')));
  if (applied.length === 0) {
    const wasInterrupted = cause.kind === 'interrupted';
    const error = wasInterrupted ? 'interrupted before any change' : cause.reason;
    return record(
      hostResult(target.name, batch, wasInterrupted ? 'skipped' : 'failed', {
        steps,
        warnings,
        error,
        errorKind: cause.kind,
      }),
      { snapshot: facts },
    );
  }
  const journal = journalEntry(options, plans, applied.length);
  const { reason } = cause;
  const restored = await restoreHost({
    target,
    emit: options.emit,
    connection: progress.connection,
    openConnection: options.reopenConnection,
    applied,
    reason,
    journal,
  });
  const verdict = restoreVerdict(restored, cause);
  const result = hostResult(target.name, batch, verdict.outcome, {
    ...verdict,
    // a step is "rolled-back" only when the host verified as before; else it stays as applied (changed/failed)
    steps: restored.ok ? markRolledBack(steps) : steps,
    warnings,
  });
  return record(result, {
    applied: restored.ok ? [] : applied,
    snapshot: facts,
    journal: { ...journal, state: verdict.outcome },
  });
}
