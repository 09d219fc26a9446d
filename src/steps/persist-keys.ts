/**
 * Which conntrack knob a sysctl name sets, and the cumulative managed block: every key the tool has
 * persisted on a host stays until a playbook removes it (`persist: {remove: [KEY]}`). Pure.
 */
import type { SysctlEntry } from './sysctl-block.js';

/** Every sysctl name of nf_conntrack_max: modern, the init-netns alias, the compat key removed around 4.9. */
export const maxKeys = ['net.netfilter.nf_conntrack_max', 'net.nf_conntrack_max', 'net.ipv4.netfilter.ip_conntrack_max'];
const modernPrefix = 'net.netfilter.nf_conntrack_';
const compatPrefix = 'net.ipv4.netfilter.ip_conntrack_';

/** `max`, `hashsize` or a timeout name (udp_timeout) from any spelling a playbook's `remove:` may use; null if none. */
export function knobIdOfName(name: string): string | null {
  const key = name.trim().replaceAll('/', '.');
  if (key === 'hashsize' || key === 'nf_conntrack.hashsize') return 'hashsize';
  const id = knobIdOf(key) ?? knobIdOf(`${modernPrefix}${key.replace(/^nf_conntrack_/, '')}`);
  return id !== null && /^(max|[a-z0-9_]*timeout[a-z0-9_]*)$/.test(id) ? id : null;
}

/** The knob a sysctl key sets (`max`, `tcp_timeout_established`), or null for a key that is not a conntrack knob. */
export function knobIdOf(key: string): string | null {
  if (maxKeys.includes(key)) return 'max';
  for (const prefix of [modernPrefix, compatPrefix]) {
    if (key.startsWith(prefix) && /^[a-z0-9_]+$/.test(key.slice(prefix.length))) return key.slice(prefix.length);
  }
  return null;
}

/** Names that still set the knob on this kernel: the dead ip_conntrack_* names set nothing after ~4.9. */
export function isLiveKey(key: string, compatSysctls: boolean): boolean {
  return compatSysctls || !key.startsWith(compatPrefix);
}

/** Other names for the same knobs (alias key → the entry key): commented out in the target as well. */
export function aliasesOf(entries: SysctlEntry[]): Record<string, string> {
  const aliases: Record<string, string> = {};
  for (const { key } of entries) {
    const id = knobIdOf(key);
    const others = id === 'max' ? maxKeys : id === null ? [] : [modernPrefix + id, compatPrefix + id];
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
