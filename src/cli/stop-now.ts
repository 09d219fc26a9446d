/**
 * The second SIGINT of a run: hosts still mid-run are not restored now (no new remote script starts), they are
 * left for `rollback`. This module keeps that honest in the output: a host whose rollback was cut off by the stop
 * is "left for rollback" with the exact command, not "ROLLBACK FAILED — fix by hand"; and the summary line and the
 * --report file are still written before the process exits 130.
 */
import type { HostResult, RunEvent } from '../runner/events.js';
import { countOutcomes, exitCodes } from '../runner/outcome.js';
import { quoteShell } from '../transport/quote.js';

export interface StopNow {
  /** Passes events on, rewriting the verdicts of hosts the stop cut off. */
  emit(event: RunEvent): void;
  /** Called when the second signal arrives. */
  begin(): void;
  /** The second signal has arrived. */
  isStopping(): boolean;
  /**
   * After the in-flight scripts ended: a verdict for every host started and not ended (left for rollback), then
   * the run-end event (exit 130) from the verdicts.
   */
  end(): void;
}

/** `conntrack-fleet rollback --run ID -i INV -l HOST`, every value quoted. */
export function rollbackCommand(runId: string, inventoryFlags: string, host?: string): string {
  const limit = host === undefined ? '' : ` -l ${quoteShell(host)}`;
  return `conntrack-fleet rollback --run ${quoteShell(runId)} ${inventoryFlags}${limit}`;
}

export function createStopNow(runId: string, inventoryFlags: string, next: (event: RunEvent) => void): StopNow {
  let stopping = false;
  // after end(), the run's own late events (its run-end too) would only repeat what was already said
  let ended = false;
  const verdicts = new Map<string, HostResult>();
  const started = new Map<string, number>();
  let planned: string[] = [];
  const leftFor = (host: string): string =>
    `stopped by a second interrupt before it was restored; left for: ${rollbackCommand(runId, inventoryFlags, host)}`;
  // a failed rollback leaves the journal: the same command retries it once the cause (often the network) is gone
  const withRetry = (result: HostResult): HostResult =>
    result.outcome === 'rollback-failed' && !(result.error ?? '').includes('conntrack-fleet rollback --run')
      ? {
          ...result,
          error: `${result.error ?? 'rollback failed'}; to retry the rollback: ${rollbackCommand(runId, inventoryFlags, result.host)}`,
        }
      : result;
  return {
    emit(event) {
      if (ended) return;
      if (event.type === 'host-end') {
        const cutOff = stopping && (event.result.outcome === 'rollback-failed' || event.result.outcome === 'failed');
        const result: HostResult = cutOff
          ? { ...event.result, outcome: 'failed', error: leftFor(event.result.host), rollbackMismatches: [] }
          : withRetry(event.result);
        verdicts.set(result.host, result);
        next({ ...event, result });
        return;
      }
      if (stopping && event.type === 'rollback-end' && !event.ok) {
        // the undo was not tried (no new script may start), so it did not fail: the host is left for rollback
        next({
          type: 'message',
          level: 'warn',
          host: event.host,
          text: 'not restored now: stopped by a second interrupt',
        });
        return;
      }
      if (event.type === 'host-start') started.set(event.host, event.batch);
      if (event.type === 'run-start') planned = event.hosts;
      next(event);
    },
    begin() {
      stopping = true;
    },
    isStopping: () => stopping,
    end() {
      if (ended) return;
      for (const [host, batch] of started) {
        if (verdicts.has(host)) continue;
        const result: HostResult = {
          host,
          batch,
          outcome: 'failed',
          steps: [],
          warnings: [],
          error: leftFor(host),
          rollbackMismatches: [],
        };
        verdicts.set(host, result);
        next({ type: 'host-end', result });
      }
      for (const host of planned) {
        if (verdicts.has(host)) continue;
        const result: HostResult = {
          host,
          batch: 0,
          outcome: 'skipped',
          steps: [],
          warnings: [],
          error: 'interrupted before it started',
          rollbackMismatches: [],
        };
        verdicts.set(host, result);
        next({ type: 'host-end', result });
      }
      const counts = countOutcomes([...verdicts.values()].map((r) => r.outcome));
      next({ type: 'run-end', exitCode: exitCodes.interrupted, summary: counts });
      ended = true;
    },
  };
}
