/** The stable JSON shape of one host's `check` answer (what scripts and jq read). Pure. */
import type { CheckResult } from '../facts/check-result.js';
import type { ConntrackPresence, HostFacts, LoadedModule } from '../facts/types.js';
import { isNetfilterModule } from '../kernel/netfilter-modules.js';
import { tableUsagePercentOneDecimal } from '../kernel/table-usage.js';
import { type CheckPeakJson, toPeakJson } from './peak-report.js';

export interface CheckModuleJson {
  name: string;
  used_by: string[];
}

export interface CheckConntrackJson {
  presence: ConntrackPresence;
  count: number | null;
  max: number | null;
  buckets: number | null;
  hashsize: number | null;
  /** count / max × 100, one decimal; null when either is unknown. */
  usage_percent: number | null;
  timeouts: Record<string, number>;
  stats: { drop: number | null; early_drop: number | null; insert_failed: number | null };
}

export interface CheckJson {
  host: string;
  reachable: boolean;
  error: string | null;
  /**
   * Only when the host was not read: a connection-level reason ('unreachable', 'timeout', 'auth', 'host-key-…',
   * 'connection-lost', 'become') or the stage ('gather'; 'timeout' when the gather script outlived its limit).
   */
  error_kind?: string;
  kernel: string | null;
  /** null when the host could not be read at all. */
  conntrack: CheckConntrackJson | null;
  modules: CheckModuleJson[];
  nat_rules_in_use: boolean | null;
  nat_rule_evidence: string[];
  kube_proxy: boolean | null;
  /** The peak file check keeps (docs/sizing.md); null when the host could not be read. */
  peak: CheckPeakJson | null;
  /** The host breaks an alarm rule (usage ≥ --fail-above-percent, drops): what makes `check` exit 1. */
  alarm: boolean;
  /** The alarms first ("usage 100.0% ≥ 90% (…)", "1234 drops (…)"), then what could not be read. */
  problems: string[];
}

function netfilterModules(modules: LoadedModule[]): LoadedModule[] {
  return modules.filter((m) => isNetfilterModule(m.name));
}

export function toCheckJson(result: CheckResult): CheckJson {
  const facts = result.facts;
  return {
    host: result.host,
    reachable: result.reachable,
    error: result.error,
    ...(result.errorKind && { error_kind: result.errorKind }),
    kernel: facts?.kernel ?? null,
    conntrack: facts ? toConntrackJson(facts) : null,
    modules: facts ? netfilterModules(facts.modules).map((m) => ({ name: m.name, used_by: [...m.usedBy] })) : [],
    nat_rules_in_use: facts?.natRulesInUse ?? null,
    nat_rule_evidence: facts ? [...facts.natRuleEvidence] : [],
    kube_proxy: facts?.kubeProxy ?? null,
    peak: toPeakJson(facts?.peak),
    alarm: (result.alarms ?? []).length > 0,
    problems: [...(result.alarms ?? []), ...(facts?.problems ?? [])],
  };
}

function toConntrackJson(facts: HostFacts): CheckConntrackJson {
  const stats = facts.stats;
  return {
    presence: facts.conntrack,
    count: facts.count,
    max: facts.max,
    buckets: facts.buckets,
    hashsize: facts.hashsize,
    usage_percent: tableUsagePercentOneDecimal(facts.count, facts.max),
    timeouts: { ...facts.timeouts },
    stats: {
      drop: stats?.drop ?? null,
      early_drop: stats?.early_drop ?? null,
      insert_failed: stats?.insert_failed ?? null,
    },
  };
}
