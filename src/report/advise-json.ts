/** advise -o json: the public shape (snake_case, as every JSON report), apart from the runner's result type. */
import type { PeakUse } from '../advise/peak-demand.js';
import type { AdviseResult } from '../runner/advise-hosts.js';

export interface AdvisePeakJson {
  count: number;
  /** When the peak was seen, ISO 8601 (the controller's clock when check/watch kept it). */
  at: string;
  source: string;
  age_seconds: number;
  /** False when older than --peak-max-age-days: shown, not used for demand. */
  used: boolean;
}

export interface AdviseHostJson {
  host: string;
  reachable: boolean;
  error: string | null;
  /** Only on a host without advice: why, as check -o json says it ('unreachable', 'host-key-unknown', 'gather', …). */
  error_kind?: string;
  advice: {
    current: { count: number | null; max: number | null; buckets: number | null; timeouts: Record<string, number> };
    max: number | null;
    buckets: number | null;
    buckets_expr: 'max' | 'max/4' | null;
    timeouts: Record<string, number>;
    reasons: string[];
    refusal: string | null;
    peak: AdvisePeakJson | null;
  } | null;
}

function peakJson(peak: PeakUse | undefined): AdvisePeakJson | null {
  if (!peak) return null;
  const at = new Date(peak.atSeconds * 1000).toISOString();
  return { count: peak.count, at, source: peak.source, age_seconds: peak.ageSeconds, used: peak.used };
}

/** One entry per host, in the order given. */
export function toAdviseJson(results: AdviseResult[]): AdviseHostJson[] {
  return results.map(({ host, reachable, error, errorKind, advice }) => ({
    host,
    reachable,
    error,
    ...(errorKind && { error_kind: errorKind }),
    advice: advice && {
      current: advice.current,
      max: advice.max,
      buckets: advice.buckets,
      buckets_expr: advice.bucketsExpr,
      timeouts: advice.timeouts,
      reasons: advice.reasons,
      refusal: advice.refusal,
      peak: peakJson(advice.peak),
    },
  }));
}
