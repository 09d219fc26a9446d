/**
 * Which conntrack knob a sysctl name sets, and the cumulative managed block: every key the tool has
 * persisted on a host stays until a playbook removes it (`persist: {remove: [KEY]}`). Pure.
 */
import { keysOfKnob, knobIdOf } from '../kernel/sysctl-keys.js';
import type { SysctlEntry } from './sysctl-block.js';

export { isLiveKey, knobIdOf, knobIdOfName, maxKeys } from '../kernel/sysctl-keys.js';

/** Other names for the same knobs (alias key → the entry key): commented out in the target as well. */
export function aliasesOf(entries: SysctlEntry[]): Record<string, string> {
  const aliases: Record<string, string> = {};
  for (const { key } of entries) {
    const id = knobIdOf(key);
    const others = id === null ? [] : keysOfKnob(id);
    for (const other of others) if (other !== key) aliases[other] = key;
  }
  return aliases;
}

function order(entry: SysctlEntry): string {
  return `${knobIdOf(entry.key) === 'max' ? '0' : '1'}${entry.key}`;
}

export interface MergeInput {
  /** Entries of the managed blocks found on the host (the target's first, then other files'). */
  previous: SysctlEntry[];
  /** What this playbook sets: wins over a previous entry for the same knob, whatever its name. */
  current: SysctlEntry[];
  /** Knob ids (knobIdOfName) the playbook takes out of the block. */
  removed: string[];
}

/** The block to write: max first, then by key, so a re-plan renders the same bytes. */
export function mergeEntries(input: MergeInput): SysctlEntry[] {
  const byKnob = new Map<string, SysctlEntry>();
  for (const entry of [...input.previous, ...input.current]) {
    const id = knobIdOf(entry.key) ?? entry.key;
    if (!input.current.includes(entry) && byKnob.has(id)) continue;
    byKnob.set(id, entry);
  }
  for (const id of input.removed) byKnob.delete(id);
  return [...byKnob.values()].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}
