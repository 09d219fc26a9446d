/**
 * Which known_hosts entries can apply to a name, without looking at every entry: entries whose host field is only
 * literal names (no `*`, `?`, `!`, not hashed) are filed under those names, lowercased (OpenSSH compares host names
 * case-insensitively, match.c match_hostname); every other entry is a candidate for every name. Built once per
 * entries array (kept by known-hosts-file.ts for as long as its files are unchanged), so a fleet whose one
 * known_hosts lists every host costs O(entries) per host instead of a pattern match per entry per host.
 */
import type { KnownHostsEntry } from './known-hosts.js';

interface NameIndex {
  /** Positions in the entries array, ascending, by lowercased literal name. */
  byName: Map<string, number[]>;
  /** Positions of the entries every name must be checked against (wildcards, negations, hashed), ascending. */
  always: number[];
}

const indexes = new WeakMap<readonly KnownHostsEntry[], NameIndex>();

function isLiteral(pattern: string): boolean {
  return !pattern.includes('*') && !pattern.includes('?') && !pattern.startsWith('!');
}

function buildIndex(entries: readonly KnownHostsEntry[]): NameIndex {
  const index: NameIndex = { byName: new Map(), always: [] };
  entries.forEach((entry, position) => {
    const { hosts } = entry;
    if (hosts.kind !== 'patterns' || !hosts.patterns.every(isLiteral)) {
      index.always.push(position);
      return;
    }
    for (const name of new Set(hosts.patterns.filter((p) => p !== '').map((p) => p.toLowerCase()))) {
      const positions = index.byName.get(name);
      if (positions) positions.push(position);
      else index.byName.set(name, [position]);
    }
  });
  return index;
}

/**
 * The entries that may match `name`, in file order (a superset: the caller still matches each). `entries` must not
 * change after the first call with it: the index is kept per array.
 */
export function candidateEntries(entries: readonly KnownHostsEntry[], name: string): KnownHostsEntry[] {
  let index = indexes.get(entries);
  if (index === undefined) {
    index = buildIndex(entries);
    indexes.set(entries, index);
  }
  const named = index.byName.get(name.toLowerCase()) ?? [];
  const positions = named.length === 0 ? index.always : mergeAscending(named, index.always);
  return positions.map((position) => entries[position]).filter((e): e is KnownHostsEntry => e !== undefined);
}

function mergeAscending(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && (a[i] ?? 0) < (b[j] ?? 0)) ? a[i++] : b[j++];
    if (next !== undefined) out.push(next);
  }
  return out;
}
