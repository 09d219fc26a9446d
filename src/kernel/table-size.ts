/** Rules for the conntrack table's size that come from outside this tool: the kernel's rounding and kube-proxy's max. Pure. */

/**
 * The kernel rounds a hash table size UP to whole pages of bucket heads: 4096-byte page / 8-byte
 * hlist_nulls_head = 512 (nf_ct_alloc_hashtable in net/netfilter/nf_conntrack_core.c).
 */
export const bucketsPerPage = 512;

/** The bucket count the kernel makes of `size` (a positive integer): the next multiple of 512. */
export function roundUpBuckets(size: number): number {
  return Math.ceil(size / bucketsPerPage) * bucketsPerPage;
}

/**
 * The nf_conntrack_max kube-proxy sets at every start: max(perCpu × cpus, min), by default 32768 per CPU and at
 * least 131072 (kube-proxy's --conntrack-max-per-core and --conntrack-min). raise_max's `auto` and advise reuse it.
 */
export function kubeProxyMax(cpus: number, perCpu = 32768, min = 131072): number {
  return Math.max(min, perCpu * cpus);
}
