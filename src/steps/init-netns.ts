/**
 * Knobs that only the initial network namespace may change, and the evidence that this shell is not in it.
 * Source: kernel commit "netfilter: conntrack: Make global sysctls readonly in non-init netns" (Linux 5.13):
 * nf_conntrack_max, _expect_max and _buckets are mode 0444 in every other netns; nf_conntrack_set_hashsize()
 * answers EOPNOTSUPP outside init_net although the sysfs file stays 0600 (probed on 6.18 with `unshare -n`).
 */
import type { HostFacts, KnobFact } from '../facts/types.js';

/**
 * Why a root shell on this host is confined to a non-initial network namespace, or null when nothing shows it.
 * Evidence: a global conntrack sysctl (max, buckets) that exists but has no write bit for root (buckets is the steadier
 * sign: netfilter patches that make nf_conntrack_max per netns keep buckets 0444 outside init_net), e.g.
 * "/proc/sys/net/netfilter/nf_conntrack_buckets is read-only". Not used: comparing /proc/self/ns/net with
 * /proc/1/ns/net — often unreadable (containers without CAP_SYS_PTRACE), and pid 1 need not live in the initial
 * namespace. Not root → null: a non-root shell cannot write these knobs in any namespace.
 */
export function nonInitialNetnsEvidence(facts: HostFacts): string | null {
  if (!facts.isRoot) return null;
  const readOnly = [facts.knobs.max, facts.knobs.buckets].filter((knob) => knob.value !== null && !knob.writable);
  if (readOnly.length === 0) return null;
  return `${readOnly.map((knob) => knob.path).join(' and ')} ${readOnly.length === 1 ? 'is' : 'are'} read-only`;
}

/**
 * The one explanation every step gives for a global knob it cannot change here, shaped
 * "EVIDENCE: WHAT can only be changed from the initial network namespace (not in a container)", or
 * "PATH is not writable: not root". `knob` is the file the step would write (evidence when nothing else shows it).
 */
export function explainGlobalKnobRefusal(what: string, facts: HostFacts, knob: KnobFact | null): string {
  if (!facts.isRoot) return `${knob?.path ?? what} is not writable: not root`;
  const evidence = nonInitialNetnsEvidence(facts) ?? (knob ? `${knob.path} is read-only` : 'no writable knob');
  return `${evidence}: ${what} can only be changed from the initial network namespace (not in a container)`;
}
