/** The JSON report's per-phase timings of a host: runner HostTimings in the report's snake_case. Pure. */
import type { HostTimings } from '../runner/events.js';

/** Wall time per phase in ms; null: the phase did not happen (e.g. no lock with --check). */
export interface TimingsReport {
  connect_ms: number | null;
  lock_ms: number | null;
  gather_ms: number | null;
  journal_ms: number | null;
}

export function toTimingsReport(t: HostTimings): TimingsReport {
  return { connect_ms: t.connectMs, lock_ms: t.lockMs, gather_ms: t.gatherMs, journal_ms: t.journalMs };
}
