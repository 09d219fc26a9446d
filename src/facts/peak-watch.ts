/**
 * How `watch` keeps the peak file (facts/peak.ts) without costing its samples: a sample carries the peak fragment
 * only on the host's first sample, and afterwards when a count above the kept peak has been seen, at most once per
 * `everySamples` samples. The fragment then keeps the higher of the count it reads and the highest count seen since
 * the last write, so a spike between writes is not lost (only the last `everySamples` samples before Ctrl-C can be).
 * Samples without the fragment stay builtins only. Pure: a state in, a state out.
 */
import { defaultPeakPaths, type PeakFact, type PeakPaths, type PeakRequest, peakCall, peakFunctions } from './peak.js';
import { buildSampleScript, type CounterSample } from './sample-script.js';

/** At a 2 s interval: at most one write a minute while the count keeps climbing. */
export const defaultPeakEverySamples = 30;

export interface PeakWatchState {
  /** The count the file holds, from the last fragment answer; null before the first answer. */
  stored: number | null;
  /** The highest count seen above `stored` since the last fragment answer. */
  pending: { count: number; atSeconds: number } | null;
  /** Samples since the last request that carried the fragment. */
  samplesSinceRequest: number;
  /** The last fragment answer (what -v reports); null before the first. */
  last: PeakFact | null;
}

export const initialPeakWatchState: PeakWatchState = {
  stored: null,
  pending: null,
  samplesSinceRequest: 0,
  last: null,
};

/** The peak request the next sample carries, or null for a plain sample. */
export function nextPeakRequest(
  state: PeakWatchState,
  nowSeconds: number,
  everySamples = defaultPeakEverySamples,
): PeakRequest | null {
  const request: PeakRequest = { mode: 'keep', source: 'watch', atSeconds: nowSeconds };
  if (state.last === null) return request;
  // no use asking again: the directory will not become writable during a watch
  if (state.last.write === 'not-writable' || state.last.read === 'unreadable') return null;
  if (state.pending === null || state.samplesSinceRequest < everySamples) return null;
  return { ...request, seen: state.pending };
}

/** The state after one sample; `carried` = that sample's request had the fragment. */
export function afterPeakSample(
  state: PeakWatchState,
  sample: CounterSample | null,
  atSeconds: number,
  carried: boolean,
): PeakWatchState {
  const counted = carried
    ? { ...state, samplesSinceRequest: 0 }
    : { ...state, samplesSinceRequest: state.samplesSinceRequest + 1 };
  if (sample?.peak) {
    // the fragment kept max(count now, pending): nothing is pending any more, unless the write failed
    const kept = sample.peak.write === 'failed' ? state.pending : null;
    return { ...counted, stored: sample.peak.kept?.count ?? 0, pending: kept, last: sample.peak };
  }
  const count = sample?.count ?? null;
  const floor = Math.max(state.stored ?? 0, state.pending?.count ?? 0);
  if (count !== null && count > floor) return { ...counted, pending: { count, atSeconds } };
  return counted;
}

/**
 * The watch sample script (record token `token`, facts/sample-script.ts) with the peak fragment just before its last
 * record; the fragment's values are `value NAME VALUE` records, as in the gather.
 */
export function peakSampleScript(request: PeakRequest, token: string, paths: PeakPaths = defaultPeakPaths): string {
  const fragment = [peakFunctions(), `cf_pk_out() { cf_rec value "$1 $2"; }`, peakCall(request, paths)].join('\n');
  return buildSampleScript(token, fragment);
}
