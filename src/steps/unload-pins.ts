/**
 * Reloading nf_conntrack brings back the kernel's defaults, not the host's values. So before the
 * rmmods, unload_nat "pins" every runtime value it would lose: a knob change from the current value
 * to itself. Applying a pin rewrites the same value; undoing runs after the modprobes (undo is in
 * reverse order) and writes the values back, so a rollback restores them exactly.
 */
import { timeoutPath, type HostFacts, type KnobFact } from '../facts/types.js';
import { makeKnobChange } from '../changes/knob-change.js';
import type { Change } from './types.js';

function pin(key: string, knob: KnobFact): Change[] {
  return knob.value !== null && knob.writable
    ? [makeKnobChange({ key, path: knob.path, before: knob.value, after: knob.value })]
    : [];
}

/** The modules whose removal discards conntrack's runtime values. */
export function dropsConntrackValues(order: string[]): boolean {
  return order.includes('nf_conntrack');
}

export function pinRuntimeValues(facts: HostFacts): Change[] {
  const { knobs } = facts;
  const tableSize = knobs.hashsize.writable
    ? pin('nf_conntrack.hashsize', knobs.hashsize)
    : pin('net.netfilter.nf_conntrack_buckets', knobs.buckets);
  const timeouts = Object.entries(facts.timeouts).flatMap(([name, value]) =>
    pin(`net.netfilter.nf_conntrack_${name}`, { path: timeoutPath(name), value: String(value), writable: true }),
  );
  const max = knobs.max.writable
    ? pin('net.netfilter.nf_conntrack_max', knobs.max)
    : pin('net.nf_conntrack_max', knobs.maxAlias);
  return [...max, ...tableSize, ...timeouts];
}
