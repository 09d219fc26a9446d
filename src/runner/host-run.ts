/** One host's run: connect → gather → plan (pure) → apply step by step → on failure, roll back and verify. */
import { errorMessage } from '../errors.js';
import { gatherFacts } from '../facts/gather.js';
import type { HostFacts } from '../facts/types.js';
import type { Playbook } from '../playbook/types.js';
import { filesNeeded, planHost } from '../steps/index.js';
import type { Change, StepPlan } from '../steps/types.js';
import type { Connection, HostTarget } from '../transport/connection.js';
import { applyChanges } from './apply-changes.js';
import type { EventListener, HostResult, StepResult } from './events.js';
import { acquireHostLock } from './host-lock.js';
import { type JournalEntry, journalWriteScript } from './journal.js';
import { restoreHost } from './restore.js';
import { allWarnings, hostResult, markRolledBack, stepResult } from './step-results.js';

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
}

/** What the fleet needs to roll this host back later (on_abort). */
export interface HostRunRecord {
  result: HostResult;
  applied: Change[];
  snapshot: HostFacts | null;
  /** Set by the fleet when the host failed the health gate after its batch. */
  gateFailed?: boolean;
}

export async function runHost(options: HostRunOptions): Promise<HostRunRecord> {
  const { target, batch, emit } = options;
  emit({ type: 'host-start', host: target.name, batch });
  let connection: Connection;
  try {
    connection = await options.openConnection(target);
  } catch (error) {
    return finish(options, { result: hostResult(target.name, batch, 'unreachable', { error: errorMessage(error) }), applied: [], snapshot: null });
  }
  emit({ type: 'host-connected', host: target.name });
  try {
    return finish(options, await runConnected(options, connection));
  } catch (error) {
    return finish(options, { result: hostResult(target.name, batch, 'failed', { error: errorMessage(error) }), applied: [], snapshot: null });
  }
}

function finish(options: HostRunOptions, record: HostRunRecord): HostRunRecord {
  options.emit({ type: 'host-end', result: record.result });
  return record;
}

async function runConnected(options: HostRunOptions, connection: Connection): Promise<HostRunRecord> {
  const { target, batch, playbook, emit } = options;
  const facts = await gatherFacts(connection, { files: filesNeeded(playbook) });
  emit({ type: 'host-facts', host: target.name, facts });
  const plans = planHost(facts, playbook).steps;
  emit({ type: 'host-planned', host: target.name, plans });
  const warnings = allWarnings(plans);
  const refused = plans.find((p) => p.refusal);
  if (refused) {
    const steps = plans.map((p) => stepResult(p, p === refused ? 'failed' : 'not-run', p.refusal ?? null));
    emitSteps(options, steps);
    return { result: hostResult(target.name, batch, 'failed', { steps, warnings, error: `${refused.label}: ${refused.refusal}` }), applied: [], snapshot: facts };
  }
  const pending = plans.some((p) => p.changes.length > 0);
  if (options.checkOnly || !pending) {
    const steps = plans.map((p) => stepResult(p, p.changes.length === 0 ? 'unchanged' : 'planned'));
    emitSteps(options, steps);
    return { result: hostResult(target.name, batch, pending ? 'changed' : 'unchanged', { steps, warnings }), applied: [], snapshot: facts };
  }
  const lock = await acquireHostLock(connection, options.runId, options.startedAt);
  if (lock.kind === 'busy') {
    return { result: hostResult(target.name, batch, 'skipped', { warnings, error: `locked by run ${lock.owner}` }), applied: [], snapshot: facts };
  }
  if (lock.kind === 'unsupported') warnings.push(`no host lock: ${lock.reason}`);
  try {
    return await applyPlans(options, connection, facts, plans, warnings);
  } finally {
    if (lock.kind === 'locked') await lock.release();
  }
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

async function applyPlans(
  options: HostRunOptions,
  connection: Connection,
  facts: HostFacts,
  plans: StepPlan[],
  warnings: string[],
): Promise<HostRunRecord> {
  const { target, batch, emit } = options;
  const steps: StepResult[] = [];
  const applied: Change[] = [];
  for (const [index, plan] of plans.entries()) {
    if (options.isInterrupted()) return interruptHost(options, connection, plans, steps, applied, warnings);
    if (plan.changes.length === 0) {
      steps.push(stepResult(plan, 'unchanged'));
      emit({ type: 'step-end', host: target.name, index, result: steps[index] as StepResult });
      continue;
    }
    emit({ type: 'step-start', host: target.name, index, label: plan.label });
    // the journal update travels in the same script as the step: no extra round trip
    const prelude = journalWriteScript(journalEntry(options, plans, applied.length + plan.changes.length));
    const outcome = await applyChanges(connection, plan.changes, prelude);
    applied.push(...outcome.attempted);
    steps.push(stepResult(plan, outcome.ok ? 'changed' : 'failed', outcome.error));
    emit({ type: 'step-end', host: target.name, index, result: steps[index] as StepResult });
    if (!outcome.ok) {
      const reason = `${plan.label}: ${outcome.error ?? 'failed'}`;
      plans.slice(index + 1).forEach((p) => steps.push(stepResult(p, 'not-run')));
      const journal = journalEntry(options, plans, applied.length);
      const restored = await restoreHost({ ...options, openConnection: options.reopenConnection, connection, applied, reason, journal });
      const outcomeName = restored.ok ? 'rolled-back' : 'rollback-failed';
      const error = restored.ok ? reason : `${reason}; ROLLBACK FAILED: ${restored.mismatches.join('; ')}. Fix by hand: ${restored.hints.join('; ')}`;
      const result = hostResult(target.name, batch, outcomeName, { steps: markRolledBack(steps), warnings, error, rollbackMismatches: restored.mismatches });
      return { result, applied, snapshot: facts };
    }
  }
  await markJournal(connection, journalEntry(options, plans, applied.length), warnings);
  return { result: hostResult(target.name, batch, 'changed', { steps, warnings }), applied, snapshot: facts };
}

async function interruptHost(
  options: HostRunOptions,
  connection: Connection,
  plans: StepPlan[],
  steps: StepResult[],
  applied: Change[],
  warnings: string[],
): Promise<HostRunRecord> {
  const { target, batch } = options;
  plans.slice(steps.length).forEach((p) => steps.push(stepResult(p, 'not-run')));
  if (applied.length === 0) {
    return { result: hostResult(target.name, batch, 'skipped', { steps, warnings, error: 'interrupted before any change' }), applied, snapshot: null };
  }
  const reason = 'interrupted';
  const journal = journalEntry(options, plans, applied.length);
  const restored = await restoreHost({ ...options, openConnection: options.reopenConnection, connection, applied, reason, journal });
  const outcome = restored.ok ? 'rolled-back' : 'rollback-failed';
  const error = restored.ok ? reason : `${reason}; ROLLBACK FAILED: ${restored.mismatches.join('; ')}`;
  return { result: hostResult(target.name, batch, outcome, { steps: markRolledBack(steps), warnings, error, rollbackMismatches: restored.mismatches }), applied, snapshot: null };
}

async function markJournal(connection: Connection, entry: JournalEntry, warnings: string[]): Promise<void> {
  try {
    const done = await connection.runScript(journalWriteScript({ ...entry, state: 'done' }));
    if (done.exitCode !== 0) warnings.push(`journal not marked done: ${done.stderr.trim()}`);
  } catch (error) {
    warnings.push(`journal not marked done: ${errorMessage(error)}`);
  }
}
