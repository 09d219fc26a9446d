/**
 * The hosts and gates of a run report, collected purely from the runner's events. Events count batches from 0
 * (runner indexes); the report counts them from 1, as the plain lines ("batch 1/3") and `--shard I/N` do (issue
 * #12): `reportBatch` is the one place that converts.
 */
import type { HostDrift, HostResult, RunEvent, StepResult } from '../runner/events.js';
import type { DriftReport, GateReport, HostReport, StepReport } from './run-report.js';
import { toTimingsReport } from './timings-report.js';

/** Said of a host the run announced but never reached (stopped rollout, interrupt). */
export const notRunError = 'not run: the run ended before this host was reached';
/** Said of a host that started but never reported: its state is unknown, so it counts as failed. */
export const noResultError = 'no result: the run ended before this host finished; its state is unknown';

/** A runner batch index (0-based) as the report's batch number (1-based). */
export function reportBatch(index: number): number {
  return index + 1;
}

/** Announced hosts first, in run-start order; a later host-end for the same host wins (e.g. after a batch rollback). */
export function collectHostReports(events: RunEvent[], announced: string[]): HostReport[] {
  const results = new Map<string, HostResult>();
  const batchOf = new Map<string, number>();
  const seen = new Set<string>();
  for (const event of events) {
    if (event.type === 'run-start')
      event.batches.forEach((hosts, batch) => hosts.forEach((h) => batchOf.set(h, batch)));
    if (event.type === 'host-start') batchOf.set(event.host, event.batch);
    if ('host' in event && event.type !== 'message') seen.add(event.host);
    if (event.type === 'host-end') results.set(event.result.host, event.result);
  }
  const names = [...new Set([...announced, ...results.keys()])];
  return names.map((host) => {
    const result = results.get(host);
    return result ? toHostReport(result) : unfinishedHost(host, batchOf.get(host) ?? 0, seen.has(host));
  });
}

function toHostReport(result: HostResult): HostReport {
  return {
    host: result.host,
    outcome: result.outcome,
    batch: reportBatch(result.batch),
    error: result.error,
    ...(result.errorKind && { error_kind: result.errorKind }),
    warnings: [...result.warnings],
    steps: result.steps.map(toStepReport),
    rollback_mismatches: [...result.rollbackMismatches],
    ...(result.drift && { drift: toDriftReport(result.drift) }),
    ...(result.timings ? { timings: toTimingsReport(result.timings) } : {}),
  };
}

function toDriftReport(drift: HostDrift): DriftReport {
  return {
    overwritten: drift.overwritten,
    findings: drift.findings.map((f) => ({
      kind: f.kind,
      target: f.target,
      run_id: f.runId,
      run_left: f.runLeft,
      now: f.now,
      ...(f.foundBy !== undefined && { found_by: f.foundBy }),
      message: f.message,
    })),
    unknown: [...drift.unknown],
  };
}

function toStepReport(step: StepResult): StepReport {
  return {
    step: step.step,
    label: step.label,
    outcome: step.outcome,
    before: step.before,
    after: step.after,
    error: step.error,
    ...(step.errorKind && { error_kind: step.errorKind }),
    ...(step.applyMs !== undefined && { apply_ms: step.applyMs }),
  };
}

function unfinishedHost(host: string, batchIndex: number, started: boolean): HostReport {
  const outcome = started ? 'failed' : 'skipped';
  return {
    host,
    outcome,
    batch: reportBatch(batchIndex),
    error: started ? noResultError : notRunError,
    warnings: [],
    steps: [],
    rollback_mismatches: [],
  };
}

/** One entry per gate, by batch; a gate-start without its gate-end (interrupted) has `passed: null`. */
export function collectGates(events: RunEvent[]): GateReport[] {
  const gates = new Map<number, GateReport>();
  for (const event of events) {
    if (event.type === 'gate-start') {
      const batch = reportBatch(event.batch);
      gates.set(batch, { batch, soak_ms: event.soakMs, passed: null, failed_hosts: [] });
    }
    if (event.type === 'gate-end') {
      const batch = reportBatch(event.batch);
      const failedHosts = event.failedHosts.map((f) => ({ host: f.host, reason: f.reason }));
      gates.set(batch, {
        batch,
        soak_ms: gates.get(batch)?.soak_ms ?? null,
        passed: failedHosts.length === 0,
        failed_hosts: failedHosts,
      });
    }
  }
  return [...gates.values()].sort((a, b) => a.batch - b.batch);
}
