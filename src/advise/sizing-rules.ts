/**
 * The sizing rules of `advise`, one factor each, every one pure and explained by one line. Sources: docs/sizing.md.
 */
import { kubeProxyMax, roundUpBuckets } from '../kernel/table-size.js';
import { formatBytes } from '../steps/step-plan.js';
import { defaultEntryBytes } from '../steps/raise-max.js';
import { hasChainLimit, type KernelVersion } from './kernel-version.js';

/** A factor's verdict: the number of entries it asks for (null = no demand) and why. */
export interface Factor {
  name: 'demand' | 'kube-proxy' | 'kernel' | 'memory' | 'timeouts';
  entries: number | null;
  line: string;
}

/** max is advised in steps of 64 Ki entries, so a count that moves a little does not move the advice. */
export const maxStep = 65_536;
/** A bucket is one pointer (struct hlist_nulls_head) on 64-bit kernels. */
export const bucketBytes = 8;

export function roundUpMax(entries: number): number {
  return Math.max(maxStep, Math.ceil(entries / maxStep) * maxStep);
}

/** demand = the highest count seen × headroom (count now; null count = no demand known). */
export function demandFactor(count: number | null, headroom: number): Factor {
  if (count === null)
    return { name: 'demand', entries: null, line: 'demand: nf_conntrack_count unknown (not readable)' };
  const entries = Math.ceil(count * headroom);
  return {
    name: 'demand',
    entries,
    line: `demand: highest count seen ${count} (now) × headroom ${headroom} = ${entries}`,
  };
}

/** kube-proxy's floor, max(131072, 32768 × CPUs) (kube-proxy --conntrack-min, --conntrack-max-per-core), when it or NAT runs. */
export function kubeProxyFactor(cpus: number, kubeProxy: boolean, natRules: boolean): Factor {
  const floor = kubeProxyMax(cpus);
  if (!kubeProxy && !natRules) {
    return {
      name: 'kube-proxy',
      entries: null,
      line: `kube-proxy floor: not applied (no kube-proxy, no NAT rules; it would be ${floor})`,
    };
  }
  const why = kubeProxy ? 'kube-proxy runs here and sets it at every start' : 'NAT rules in use (NAT-heavy role)';
  return {
    name: 'kube-proxy',
    entries: floor,
    line: `kube-proxy floor: max(131072, 32768 × ${cpus} CPUs) = ${floor} (${why})`,
  };
}

export interface BucketAdvice {
  buckets: number;
  /** How the playbook says it: `max` (factor 1) or `max/4` (the pre-5.15 classic). */
  expr: 'max' | 'max/4';
  line: string;
}

/**
 * Hash table size for `max` entries. Each entry is hashed twice (both directions), so a full table's average chain
 * is 2 × max / buckets: from 5.15 buckets = max keeps it at 2 (the kernel's own default, and the chain limit refuses
 * insertions on long chains); older kernels assume max = 4 × buckets (chains of 8 when full) and have no limit.
 */
export function bucketAdvice(max: number, version: KernelVersion | null): BucketAdvice {
  if (version === null || hasChainLimit(version)) {
    const buckets = roundUpBuckets(max);
    const which = version === null ? 'version unknown: assuming ≥ 5.15' : `${version.major}.${version.minor} ≥ 5.15`;
    return {
      buckets,
      expr: 'max',
      line: `kernel: ${which}: buckets = max = ${buckets}, so a full table's average chain 2 × max / buckets = ${((2 * max) / buckets).toFixed(1)} (its default factor 1; longer chains count as chaintoolong and refuse insertions)`,
    };
  }
  const buckets = roundUpBuckets(Math.max(1, Math.floor(max / 4)));
  return {
    buckets,
    expr: 'max/4',
    line: `kernel: ${version.major}.${version.minor} < 5.15 assumes the classic max/4: buckets = ${buckets} (chains of ~8 when full; no chain length limit on this kernel)`,
  };
}

export interface MemoryVerdict {
  line: string;
  /** Set when the table would take more than the share of RAM: the advice is refused. */
  refusal: string | null;
}

/** Bytes of a full table: max × bytes per entry (slabinfo, else 320) + buckets × 8; capped at `percent` of RAM. */
export function memoryVerdict(
  max: number,
  buckets: number,
  entryBytes: number | null,
  memTotalBytes: number | null,
  percent: number,
): MemoryVerdict {
  const perEntry = entryBytes ?? defaultEntryBytes;
  const source = entryBytes === null ? 'default, /proc/slabinfo unreadable' : '/proc/slabinfo';
  const needBytes = max * perEntry + buckets * bucketBytes;
  const need = `${max} × ${perEntry} B (${source}) + ${buckets} buckets × ${bucketBytes} B = ${formatBytes(needBytes)}`;
  if (memTotalBytes === null)
    return { line: `memory: ${need}; MemTotal unknown, not checked against RAM`, refusal: null };
  const capBytes = (memTotalBytes * percent) / 100;
  const share = ((needBytes / memTotalBytes) * 100).toFixed(1);
  const line = `memory: ${need} = ${share} % of RAM ${formatBytes(memTotalBytes)} (cap ${percent} %)`;
  if (needBytes <= capBytes) return { line, refusal: null };
  const fits = Math.floor(capBytes / (perEntry + bucketBytes * (buckets / max)));
  return {
    line,
    refusal: `a full table of ${max} entries needs ${formatBytes(needBytes)}, more than ${percent} % of RAM (${formatBytes(capBytes)}); at most ${fits} entries fit: add RAM, lower --headroom or raise --memory-percent`,
  };
}
