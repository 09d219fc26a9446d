/** One host's run: connect → lock (taken up front by the fleet) → gather → plan (pure) → apply step by step → on failure or interrupt, roll back and verify. */
import { errorKindOf, errorMessage, type HostErrorKind } from '../errors.js';
import { gatherFacts } from '../facts/gather.js';
import type { HostFacts } from '../facts/types.js';
import type { Playbook } from '../playbook/types.js';
import { filesNeeded, planHost, readsRules } from '../steps/index.js';
import { describeRemoteFailure } from '../remote/remote-error.js';
import type { Change } from '../changes/change.js';
import type { StepPlan } from '../steps/types.js';
import type { Connection, HostTarget } from '../transport/connection.js';
import { applyChanges } from './apply-changes.js';
import { atStage } from './for-each-host.js';
import type { EventListener, HostResult, HostTimings, StepResult } from './events.js';
import { lockElapsedMs, lockedByMessage, type LockResult } from './host-lock.js';
import { changePrelude, journalDir, type JournalEntry, journalWriteScript } from './journal.js';
import { restoreHost, restoreVerdict } from './restore.js';
import { allWarnings, hostResult, markRolledBack, stepResult } from './step-results.js';
import { emptyTimings, timed } from './timings.js';

export interface HostRunOptions {
  target: HostTarget;
  batch: number;
  playbook: Playbook;
  checkOnly: boolean;
  runId: string;
  startedAt: Date;
  /** The pool's connection; the fleet closes it at the end of the run. */
  openConnection: (target: HostTarget) => Promise<Connection>;
  reopenConnection: (target: HostTarget) => Promise<Connection>;
  emit: EventListener;
  /** True after the first SIGINT/SIGTERM: finish the step in flight, then roll this host back. */
  isInterrupted: () => boolean;
  /** The run's lock on this host (held by the fleet until the run ends); null with --check, which takes none. */
  lock: ((connection: Connection) => Promise<LockResult>) | null;
}

/** What the fleet needs to roll this host back later (failed gate, on_abort). */
export interface HostRunRecord {
  result: HostResult;
  /** Changes that may have taken effect and are still in place. */
  applied: Change[];
  snapshot: HostFacts | null;
  /** The on-host journal as last written; null when the host was never changed. */
  journal: JournalEntry | null;
}

/** The work of one host so far. */
interface Progress {
  connection: Connection;
  facts: HostFacts;
  plans: StepPlan[];
  steps: StepResult[];
  applied: Change[];
  warnings: string[];
  timings: HostTimings;
}

function record(result: HostResult, fields: Partial<Omit<HostRunRecord, 'result'>> = {}): HostRunRecord {
  return { result, applied: [], snapshot: null, journal: null, ...fields };
}

export async function runHost(options: HostRunOptions): Promise<HostRunRecord> {
  const { target, batch, emit } = options;
  emit({ type: 'host-start', host: target.name, batch });
  const timings = emptyTimings();
  let connection: Connection;
  try {
    connection = await options.openConnection(target);
  } catch (error) {
    return finish(
      options,
      record(
        hostResult(target.name, batch, 'unreachable', {
          error: errorMessage(error),
          errorKind: errorKindOf(error, 'unreachable'),
        }),
      ),
      timings,
    );
  }
  timings.connectMs = connection.connectMs ?? null;
  emit({ type: 'host-connected', host: target.name });
  try {
    // before the gather: facts read while another controller tunes the host would plan from stale before-states
    const takeLock = options.lock;
    const lock = takeLock ? await atStage('lock', () => takeLock(connection)) : null;
    timings.lockMs = lockElapsedMs(lock);
    if (lock?.kind === 'busy')
      return finish(
        options,
        record(hostResult(target.name, batch, 'skipped', { error: lockedByMessage(lock.owner), errorKind: 'lock' })),
        timings,
      );
    const warnings = lock?.kind === 'unsupported' ? [`no host lock: ${lock.reason}`] : [];
    return finish(options, await runConnected(options, connection, warnings, timings), timings);
  } catch (error) {
    const errorKind = errorKindOf(error, 'remote');
    // a refused sudo (kind 'become') changed nothing: never-changed, as in fleet-locks and check
    const outcome = errorKind === 'become' ? 'unreachable' : 'failed';
    return finish(
      options,
      record(hostResult(target.name, batch, outcome, { error: errorMessage(error), errorKind })),
      timings,
    );
  }
}

function finish(options: HostRunOptions, done: HostRunRecord, timings: HostTimings): HostRunRecord {
  done.result.timings = timings;
  options.emit({ type: 'host-end', result: done.result });
  return done;
}

async function runConnected(
  options: HostRunOptions,
  connection: Connection,
  warnings: string[],
  timings: HostTimings,
): Promise<HostRunRecord> {
  const { target, batch, playbook, emit } = options;
  const facts = await timed(
    () =>
      atStage('gather', () => gatherFacts(connection, { files: filesNeeded(playbook), rules: readsRules(playbook) })),
    (ms) => (timings.gatherMs = ms),
  );
  emit({ type: 'host-facts', host: target.name, facts });
  const plans = planHost(facts, playbook, target.name).steps;
  emit({ type: 'host-planned', host: target.name, plans });
  warnings.push(...allWarnings(plans));
  const refused = plans.find((p) => p.refusal);
  if (refused) {
    const steps = plans.map((p) => stepResult(p, p === refused ? 'failed' : 'not-run', p.refusal ?? null));
    emitSteps(options, steps);
    return record(
      hostResult(target.name, batch, 'failed', {
        steps,
        warnings,
        error: `${refused.label}: ${refused.refusal}`,
        errorKind: 'plan',
      }),
      { snapshot: facts },
    );
  }
  const pending = plans.some((p) => p.changes.length > 0);
  if (options.checkOnly || !pending) {
    const steps = plans.map((p) => stepResult(p, p.changes.length === 0 ? 'unchanged' : 'planned'));
    emitSteps(options, steps);
    return record(hostResult(target.name, batch, pending ? 'changed' : 'unchanged', { steps, warnings }), {
      snapshot: facts,
    });
  }
  return applyPlans(options, { connection, facts, plans, steps: [], applied: [], warnings, timings });
}

function emitSteps(options: HostRunOptions, steps: StepResult[]): void {
  steps.forEach((result, index) => options.emit({ type: 'step-end', host: options.target.name, index, result }));
}

function journalEntry(options: HostRunOptions, plans: StepPlan[], appliedCount: number): JournalEntry {
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

async function applyPlans(options: HostRunOptions, progress: Progress): Promise<HostRunRecord> {
  const { target, batch, emit } = options;
  const { connection, plans, steps, applied, warnings } = progress;
  let scriptsSent = 0;
  for (const [index, plan] of plans.entries()) {
    if (options.isInterrupted()) return rollBack(options, progress, interrupted);
    if (plan.changes.length === 0) {
      steps.push(stepResult(plan, 'unchanged'));
      emit({ type: 'step-end', host: target.name, index, result: steps[index] as StepResult });
      continue;
    }
    emit({ type: 'step-start', host: target.name, index, label: plan.label });
    // the journal update travels in the same script as the step: no extra round trip; the ticket (the run's Nth
    // change script) makes a script that reaches the host after this run's rollback exit unapplied
    scriptsSent += 1;
    const prelude = changePrelude(
      { runId: options.runId, step: scriptsSent },
      journalEntry(options, plans, applied.length + plan.changes.length),
    );
    let applyMs = 0;
    const outcome = await timed(
      () => applyChanges(connection, plan.changes, prelude),
      (ms) => (applyMs = ms),
    );
    applied.push(...outcome.attempted);
    steps.push({ ...stepResult(plan, outcome.ok ? 'changed' : 'failed', outcome.error), applyMs });
    emit({ type: 'step-end', host: target.name, index, result: steps[index] as StepResult });
    if (!outcome.ok)
      return rollBack(options, progress, { kind: 'apply', reason: `${plan.label}: ${outcome.error ?? 'failed'}` });
  }
  // interrupted during the last step: the host was mid-run, so it is restored like the others
  if (options.isInterrupted()) return rollBack(options, progress, interrupted);
  const journal: JournalEntry = { ...journalEntry(options, plans, applied.length), state: 'done' };
  await timed(
    () => markJournal(connection, journal, warnings),
    (ms) => (progress.timings.journalMs = ms),
  );
  return record(hostResult(target.name, batch, 'changed', { steps, warnings }), {
    applied,
    snapshot: progress.facts,
    journal,
  });
}

/** Why a host is rolled back: the stage that failed (or the interrupt) and the message. */
interface RollBackCause {
  kind: HostErrorKind;
  reason: string;
}

const interrupted: RollBackCause = { kind: 'interrupted', reason: 'interrupted' };

/** Restores the host from what this run applied to it; a host nothing was applied to is only marked. */
async function rollBack(options: HostRunOptions, progress: Progress, cause: RollBackCause): Promise<HostRunRecord> {
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
    steps: markRolledBack(steps),
    warnings,
  });
  return record(result, {
    applied: restored.ok ? [] : applied,
    snapshot: facts,
    journal: { ...journal, state: verdict.outcome },
  });
}

async function markJournal(connection: Connection, entry: JournalEntry, warnings: string[]): Promise<void> {
  try {
    const done = await connection.runScript(journalWriteScript(entry));
    if (done.exitCode !== 0)
      warnings.push(
        `journal not marked done: ${describeRemoteFailure(done.stderr, { kind: 'file', path: journalDir })}`,
      );
  } catch (error) {
    warnings.push(`journal not marked done: ${errorMessage(error)}`);
  }
}
