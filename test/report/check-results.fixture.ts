/** HostFacts / CheckResult builders for the check rendering tests (not a test file itself). */
import type { CheckResult } from '../../src/facts/check-result.js';
import type { HostFacts, KnobFact } from '../../src/facts/types.js';

const knob = (path: string, value: string | null): KnobFact => ({ path, value, writable: true });

export function facts(overrides: Partial<HostFacts> = {}): HostFacts {
  return {
    kernel: '6.18.44',
    isRoot: true,
    cpus: 4,
    memTotalBytes: 8 * 1024 ** 3,
    conntrack: 'module',
    count: 1200,
    max: 65536,
    buckets: 65536,
    hashsize: 65536,
    knobs: {
      max: knob('/proc/sys/net/netfilter/nf_conntrack_max', '65536'),
      maxAlias: knob('/proc/sys/net/nf_conntrack_max', '65536'),
      buckets: knob('/proc/sys/net/netfilter/nf_conntrack_buckets', '65536'),
      hashsize: knob('/sys/module/nf_conntrack/parameters/hashsize', '65536'),
    },
    timeouts: { tcp_timeout_established: 432000, tcp_timeout_time_wait: 120, udp_timeout: 30 },
    stats: { drop: 0, early_drop: 0, insert_failed: 0, all: { found: 10, drop: 0, early_drop: 0, insert_failed: 0 } },
    entryBytes: 320,
    modules: [
      { name: 'nf_conntrack', sizeBytes: 180000, useCount: 5, usedBy: ['nf_nat', 'xt_conntrack', 'xt_MASQUERADE'] },
      { name: 'nf_nat', sizeBytes: 60000, useCount: 2, usedBy: ['xt_MASQUERADE', 'iptable_nat'] },
      { name: 'nf_defrag_ipv4', sizeBytes: 12000, useCount: 1, usedBy: ['nf_conntrack'] },
      { name: 'nf_defrag_ipv6', sizeBytes: 24000, useCount: 1, usedBy: ['nf_conntrack'] },
      { name: 'xt_conntrack', sizeBytes: 12000, useCount: 1, usedBy: [] },
      { name: 'xt_MASQUERADE', sizeBytes: 12000, useCount: 1, usedBy: [] },
      { name: 'iptable_nat', sizeBytes: 12000, useCount: 1, usedBy: [] },
      { name: 'ip_tables', sizeBytes: 32000, useCount: 1, usedBy: ['iptable_nat'] },
      {
        name: 'x_tables',
        sizeBytes: 50000,
        useCount: 4,
        usedBy: ['xt_conntrack', 'xt_MASQUERADE', 'iptable_nat', 'ip_tables'],
      },
      { name: 'ext4', sizeBytes: 900000, useCount: 2, usedBy: [] },
      { name: 'nfnetlink', sizeBytes: 20000, useCount: 0, usedBy: [] },
      { name: 'bridge', sizeBytes: 300000, useCount: 0, usedBy: ['br_netfilter'] },
    ],
    natRuleEvidence: [],
    natRulesInUse: false,
    kubeProxy: false,
    files: {},
    bootConfig: null,
    problems: [],
    ...overrides,
  };
}

export function answered(host: string, overrides: Partial<HostFacts> = {}): CheckResult {
  return { host, reachable: true, error: null, facts: facts(overrides) };
}

export function unreachable(host: string, error: string): CheckResult {
  return { host, reachable: false, error, facts: null };
}
