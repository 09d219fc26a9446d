/** One host's run: connect → lock (a rollout's fleet took it up front) → gather → plan (pure) → apply step by step → on failure or interrupt, roll back and verify. */
import { errorKindOf, errorMessage } from '../errors.js';
import { gatherFacts } from '../facts/gather.js';
import { filesNeeded, planHost, readsRules } from '../steps/index.js';
import { describeRemoteFailure } from '../remote/remote-error.js';
import type { Connection } from '../transport/connection.js';
import { applyChanges } from './apply-changes.js';
import { atStage } from './for-each-host.js';
import type { HostTimings, StepResult } from './events.js';
import { lockElapsedMs, lockedByMessage } from './host-lock.js';
import { changePrelude, journalDir, type JournalEntry, journalWriteScript } from './journal.js';
import { type HostRunOptions, type HostRunRecord, type Progress, record } from './host-run-types.js';
import { interrupted, journalEntry, rollBack } from './host-rollback.js';
import { stoppedHostOutcome } from './outcome.js';
import { allWarnings, hostResult, stepResult } from './step-results.js';
import { emptyTimings, timed } from './timings.js';
import { retakenAfterLoss } from './fleet-locks.js';

const retakenWarning =
  'the connection locked before batch 1 was lost while the host waited for its batch; reconnected and locked again, so another controller could have changed the host in between (its state was read after the new lock)';

export type { HostRunOptions, HostRunRecord } from './host-run-types.js';

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
    if (retakenAfterLoss(lock)) warnings.push(retakenWarning);
    return finish(options, await runConnected(options, connection, warnings, timings), timings);
  } catch (error) {
    const errorKind = errorKindOf(error, 'remote-command');
    const outcome = stoppedHostOutcome(errorKind);
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
    const steps = plans.map((p) =>
      p === refused ? stepResult(p, 'failed', p.refusal ?? null, 'plan') : stepResult(p, 'not-run'),
    );
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
    steps.push({ ...stepResult(plan, outcome.ok ? 'changed' : 'failed', outcome.error, outcome.errorKind), applyMs });
    emit({ type: 'step-end', host: target.name, index, result: steps[index] as StepResult });
    if (!outcome.ok)
      return rollBack(options, progress, {
        kind: outcome.errorKind ?? 'apply',
        reason: `${plan.label}: ${outcome.error ?? 'failed'}`,
      });
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
