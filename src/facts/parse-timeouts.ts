/** Picks the conntrack timeouts out of sysctl values, keyed the way HostFacts.timeouts is. Pure. */

const timeoutKey = /^net\.netfilter\.nf_conntrack_(\w*timeout\w*)$/;

/** `net.netfilter.nf_conntrack_tcp_timeout_established = 432000` → { tcp_timeout_established: 432000 }. */
export function pickConntrackTimeouts(values: Record<string, string>): Record<string, number> {
  const timeouts: Record<string, number> = {};
  for (const [key, value] of Object.entries(values)) {
    const name = timeoutKey.exec(key)?.[1];
    if (name && /^\d+$/.test(value)) timeouts[name] = Number(value);
  }
  return timeouts;
}
