/** Per-phase wall times of a host's run (HostTimings), for the JSON report and the bench. */
import type { HostTimings } from './events.js';

export function emptyTimings(): HostTimings {
  return { connectMs: null, lockMs: null, gatherMs: null, journalMs: null };
}

/** Runs `work` and reports its wall time in whole ms (monotonic clock), also when it throws. */
export async function timed<T>(work: () => Promise<T>, took: (ms: number) => void): Promise<T> {
  const startedMs = performance.now();
  try {
    return await work();
  } finally {
    took(Math.round(performance.now() - startedMs));
  }
}
