/**
 * How full the conntrack table is: nf_conntrack_count / nf_conntrack_max × 100 (both from /proc/sys/net/netfilter,
 * kernel doc networking/nf_conntrack-sysctl.rst). One rule for check, check_count, watch and the rollout gate. Pure.
 */

/** count / max; null when either value is unknown or max is not positive (no table to be full). */
function fillRatio(count: number | null, max: number | null): number | null {
  return count === null || max === null || max <= 0 ? null : count / max;
}

/** The exact percentage (no rounding): what thresholds are compared with. Null when count or max is unknown. */
export function tableUsagePercent(count: number | null, max: number | null): number | null {
  const ratio = fillRatio(count, max);
  return ratio === null ? null : ratio * 100;
}

/** The percentage with one decimal, as reports show it (91.2). Null when count or max is unknown. */
export function tableUsagePercentOneDecimal(count: number | null, max: number | null): number | null {
  const ratio = fillRatio(count, max);
  // per mille, then rounded: the float steps the reports always used (ratio * 100 * 10 can round differently)
  return ratio === null ? null : Math.round(ratio * 1000) / 10;
}
