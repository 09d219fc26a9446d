/**
 * Which loaded modules belong to netfilter, and which of them form the NAT/conntrack chain. One place for both
 * lists, so what `check` shows and what unload_nat removes cannot drift apart: the chain is a subset of the
 * netfilter modules (test/kernel-rules/netfilter-modules.test.ts holds every chain name to that). Pure.
 *
 * The chain: modules that exist only to serve NAT or conntrack (targets, matches, helpers, the nf_nat and
 * nf_conntrack cores). nf_defrag_ipv4/6 serve it too but also xt_socket and TPROXY without conntrack, so unload_nat
 * decides about them from the holder graph (steps/module-graph.ts). Shared packet-filter infrastructure (x_tables,
 * ip_tables, nf_tables, nft_compat) is netfilter but not chain; nfnetlink and libcrc32c are neither.
 */

const chainNames = new Set([
  'iptable_nat',
  'ip6table_nat',
  'ipt_MASQUERADE',
  'ip6t_MASQUERADE',
  'xt_MASQUERADE',
  'xt_nat',
  'xt_REDIRECT',
  'nft_chain_nat',
  'nft_chain_nat_ipv4',
  'nft_chain_nat_ipv6',
  'nft_masq',
  'nft_masq_ipv4',
  'nft_masq_ipv6',
  'nft_redir',
  'nft_nat',
  'nft_ct',
  'xt_conntrack',
  'xt_state',
  'xt_CT',
]);

/** Defragmentation modules conntrack loads; in the chain only when nothing outside it holds them. */
export const defragModules: ReadonlySet<string> = new Set(['nf_defrag_ipv4', 'nf_defrag_ipv6']);

/** nf_nat, nf_nat_ipv4, nf_nat_masquerade_ipv4, nf_nat_ftp…; nf_conntrack, _ipv4, _netlink, _ftp… */
function isCoreOrHelper(name: string): boolean {
  return /^nf_(nat|conntrack)(_|$)/.test(name);
}

/** A module of the NAT/conntrack chain: what unload_nat removes (with the defrag modules nothing else holds). */
export function isNatChainModule(name: string): boolean {
  return chainNames.has(name) || isCoreOrHelper(name);
}

/** nf_*, nft_*, xt_*, ipt_*, ip6t_*, iptable_*, ip6table_* and the x_tables/ip_tables cores (lsmod names). */
const netfilterPattern = /^(nf_|nft_|xt_|ipt_|ip6t_|iptable_|ip6table_)|^(ip_tables|ip6_tables|x_tables)$/;

/** A netfilter module: the chain and the packet-filter infrastructure around it (what `check` lists). */
export function isNetfilterModule(name: string): boolean {
  return isNatChainModule(name) || netfilterPattern.test(name);
}

/** Every chain name listed by name (not by prefix), for tests that hold the two lists together. */
export function listedChainModules(): string[] {
  return [...chainNames];
}
