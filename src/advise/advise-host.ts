/** One host's advice: every factor's line, the numbers that follow, or the reason there is none. Pure. */
import type { HostFacts } from '../facts/types.js';
import type { ConnectionSample } from './connection-sample.js';
import { parseKernelVersion } from './kernel-version.js';
import { defaultPeakMaxAgeDays, peakDemandFactor, type PeakUse } from './peak-demand.js';
import { bucketAdvice, kubeProxyFactor, memoryVerdict, roundUpMax } from './sizing-rules.js';
import { timeoutAdvice } from './timeout-rules.js';

export interface AdviseOptions {
  /** Demand multiplier (`--headroom`, default 2). */
  headroom: number;
  /** Largest share of RAM a full table may take (`--memory-percent`, default 5). */
  memoryPercent: number;
  /** A kept peak older than this is shown, not used (`--peak-max-age-days`, default 30). */
  peakMaxAgeDays?: number;
  /** Now, epoch ms, to age the peak (default Date.now(); tests pin it). */
  nowMs?: number;
}

export const defaultAdviseOptions: AdviseOptions = { headroom: 2, memoryPercent: 5 };

export interface HostAdvice {
  current: { count: number | null; max: number | null; buckets: number | null; timeouts: Record<string, number> };
  /** Recommended nf_conntrack_max (never below the current one); null when refused or unknown. */
  max: number | null;
  buckets: number | null;
  /** How set_hashsize says `buckets` (relative to max, so a playbook carries it for every host). */
  bucketsExpr: 'max' | 'max/4' | null;
  /** Timeouts to change (names without nf_conntrack_), in seconds; {} = keep. */
  timeouts: Record<string, number>;
  /** One line per factor, in a fixed order: demand, kube-proxy, max, kernel, memory, timeouts. */
  reasons: string[];
  refusal: string | null;
  /** The host's kept peak (check/watch), its age and whether demand used it; absent when there is none. */
  peak?: PeakUse;
}

function chooseMax(needed: number, current: number | null): { max: number; line: string } {
  const rounded = roundUpMax(needed);
  if (current !== null && current >= rounded) {
    return {
      max: current,
      line: `max: needed ${needed} (rounded up to ${rounded}); current nf_conntrack_max ${current} already covers it: kept (never lowered)`,
    };
  }
  return {
    max: rounded,
    line: `max: needed ${needed}, rounded up to a multiple of 65536: ${rounded}${current === null ? '' : ` (now ${current})`}`,
  };
}

export function adviseHost(facts: HostFacts, sample: ConnectionSample | null, options: AdviseOptions): HostAdvice {
  const current = { count: facts.count, max: facts.max, buckets: facts.buckets, timeouts: facts.timeouts };
  const peakOptions = {
    headroom: options.headroom,
    maxAgeDays: options.peakMaxAgeDays ?? defaultPeakMaxAgeDays,
    nowMs: options.nowMs ?? Date.now(),
  };
  const { factor: demand, peak } = peakDemandFactor(facts.count, facts.peak ?? null, peakOptions);
  const none = { current, max: null, buckets: null, bucketsExpr: null, timeouts: {}, ...(peak && { peak }) };
  if (facts.conntrack === 'absent')
    return { ...none, reasons: [], refusal: 'nf_conntrack is not loaded: nothing to size' };
  const floor = kubeProxyFactor(facts.cpus, facts.kubeProxy, facts.natRulesInUse);
  const needed = Math.max(demand.entries ?? 0, floor.entries ?? 0);
  const reasons = [demand.line, floor.line];
  if (needed === 0)
    return {
      ...none,
      reasons,
      refusal: 'no demand known (count unreadable) and no kube-proxy floor: nothing to size from',
    };
  const chosen = chooseMax(needed, facts.max);
  const buckets = bucketAdvice(chosen.max, parseKernelVersion(facts.kernel));
  const memory = memoryVerdict(
    chosen.max,
    buckets.buckets,
    facts.entryBytes,
    facts.memTotalBytes,
    options.memoryPercent,
  );
  const timeouts = timeoutAdvice(sample, facts.timeouts);
  reasons.push(chosen.line, buckets.line, memory.line, ...timeouts.lines);
  // a kept max is today's state, not advice: only a raise is refused for memory
  if (memory.refusal && chosen.max !== facts.max) return { ...none, reasons, refusal: memory.refusal };
  return {
    ...none,
    max: chosen.max,
    buckets: buckets.buckets,
    bucketsExpr: buckets.expr,
    timeouts: timeouts.timeouts,
    reasons,
    refusal: null,
  };
}
