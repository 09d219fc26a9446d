/**
 * What `validate` says a playbook would do, in general terms (no host is read, so no host's numbers): one line per
 * step, one per rollout setting. Pure. The facts behind the words are in docs/playbook.md.
 */
import type { GateSpec, Playbook, StepSpec } from '../playbook/types.js';

function percentRule(options: { warn_above_percent?: number; fail_above_percent?: number }): string {
  const parts = ['read count, max and the drop counters (changes nothing)'];
  if (options.warn_above_percent !== undefined) parts.push(`warn at ≥ ${options.warn_above_percent} % full`);
  if (options.fail_above_percent !== undefined)
    parts.push(`fail the host before any change at ≥ ${options.fail_above_percent} % full`);
  return parts.join('; ');
}

/** One line per step kind; shapes: "raise_max: set nf_conntrack_max to 262144 …". */
export function describeStepInGeneral(step: StepSpec): string {
  switch (step.kind) {
    case 'check_count':
      return percentRule(step.options);
    case 'raise_max': {
      const o = step.options;
      const target = o.value === 'auto' ? `max(${o.min}, ${o.per_cpu} × CPUs) (auto)` : String(o.value);
      const lower = o.allow_lower ? 'also lowering it' : 'only if higher than now';
      return `set nf_conntrack_max to ${target}, ${lower}; refuse when a full table needs > ${o.max_memory_percent} % of RAM`;
    }
    case 'set_hashsize': {
      const v = step.options.value;
      const size = v.kind === 'absolute' ? String(v.value) : v.divisor === 1 ? 'max' : `max/${v.divisor}`;
      return `set the hash table size (hashsize / nf_conntrack_buckets) to ${size}; the kernel may round it up to a multiple of 512`;
    }
    case 'set_timeouts':
      return `set ${Object.entries(step.options.timeouts)
        .map(([name, s]) => `nf_conntrack_${name} = ${s} s`)
        .join(', ')} (names the kernel lacks fail the host first)`;
    case 'persist': {
      const removed = step.options.remove.length > 0 ? `; drop ${step.options.remove.join(', ')} from it` : '';
      return `write every value the tool set on the host to a managed block in ${step.options.file}${removed}; when nf_conntrack is a module also /etc/modprobe.d/conntrack-fleet.conf (hashsize) and /etc/modules-load.d/conntrack-fleet.conf (load it before systemd-sysctl)`;
    }
    case 'unload_nat':
      return 'unload the NAT modules (nf_nat and what holds it, in holder order) when no NAT rule uses them; refused otherwise';
  }
}

function describeGate(gate: GateSpec): string {
  const usage = gate.max_usage_percent === undefined ? '' : `, usage ≤ ${gate.max_usage_percent} %`;
  return `gate after each batch but the last: soak ${gate.soakMs / 1000} s, then new drops ≤ ${gate.max_new_drops ?? 0}${usage}, else stop (exit 3)`;
}

/** The rollout settings in words: failure threshold, unreachable threshold, gate, on_abort. */
export function describeRollout(playbook: Playbook, batches: number): string[] {
  const lines = [
    `max_fail_percentage ${playbook.max_fail_percentage}: a batch with more failed hosts than that stops the rollout (exit 3)`,
  ];
  if (playbook.max_unreachable_percent !== undefined)
    lines.push(
      `max_unreachable_percent ${playbook.max_unreachable_percent}: more unreachable hosts than that in a batch stops the rollout`,
    );
  if (playbook.gate && batches > 1) lines.push(describeGate(playbook.gate));
  else if (playbook.gate) lines.push('gate: not used (a single batch)');
  lines.push(`on_abort ${playbook.on_abort}`);
  return lines;
}
