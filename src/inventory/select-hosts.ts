/** Evaluates Ansible host patterns against an inventory; results keep inventory order. */
import { didYouMean } from '../config/did-you-mean.js';
import { InputError, type SourcePosition } from '../errors.js';
import { parseHostPattern, type PatternTerm } from './host-pattern.js';
import type { Inventory, InventoryHost } from './types.js';

const MAX_LISTED_NAMES = 20;

/** Hosts matched by `pattern`; a term naming nothing, or an empty result, is an InputError. */
export function selectHosts(inventory: Inventory, pattern: string, patternSource?: SourcePosition): InventoryHost[] {
  // the inventory is at fault, not the pattern: name it (one source → its first line; several → no position)
  if (inventory.hosts.length === 0) {
    const single = !inventory.file.includes(', ');
    const message = `inventory ${single ? '' : `${inventory.file} `}defines no host; expected at least one host under a group's hosts:`;
    throw new InputError(message, single ? { file: inventory.file, line: 1, col: 1 } : undefined);
  }
  return evaluatePattern(inventory, pattern, `host pattern "${pattern}"`, patternSource);
}

/**
 * `--limit`: the intersection of `hosts` (already selected) with the limit pattern. `sources`: where terms read
 * from an @FILE are written (expandLimit), so a miss among them names FILE:LINE:COL.
 */
export function limitHosts(
  hosts: InventoryHost[],
  inventory: Inventory,
  limit: string,
  sources?: ReadonlyMap<string, SourcePosition>,
): InventoryHost[] {
  const allowed = new Set(
    evaluatePattern(inventory, limit, `--limit "${limit}"`, undefined, sources).map((h) => h.name),
  );
  const kept = hosts.filter((host) => allowed.has(host.name));
  if (kept.length === 0) {
    const names = listNames(hosts.map((h) => h.name));
    throw new InputError(
      `--limit "${limit}" leaves none of the playbook's hosts; expected a pattern matching one of: ${names}`,
    );
  }
  return kept;
}

function evaluatePattern(
  inventory: Inventory,
  pattern: string,
  label: string,
  position?: SourcePosition,
  sources?: ReadonlyMap<string, SourcePosition>,
): InventoryHost[] {
  const terms = parseHostPattern(pattern, position);
  const results = terms.map((term) => {
    const from = sources?.get(term.text);
    const termLabel = from ? `--limit @${from.file}` : label;
    return { term, hosts: matchTerm(inventory, term, termLabel, from ?? position) };
  });
  const selected = new Set<string>();
  for (const { term, hosts } of results) {
    const names = new Set(hosts.map((h) => h.name));
    if (term.operator === 'union') names.forEach((name) => selected.add(name));
    if (term.operator === 'intersection') [...selected].filter((n) => !names.has(n)).forEach((n) => selected.delete(n));
    if (term.operator === 'exclusion') names.forEach((name) => selected.delete(name));
  }
  const chosen = inventory.hosts.filter((host) => selected.has(host.name));
  if (chosen.length === 0) {
    const counts = results.map(({ term, hosts }) => `${term.text} → ${hosts.length}`).join(', ');
    throw new InputError(
      `${label} selects no hosts (${counts}); expected a pattern that selects at least one host`,
      position,
    );
  }
  return chosen;
}

/**
 * Ansible's _enumerate_matches: hosts of the matching groups, plus the matching hosts when no group
 * matched or the term is a glob, a regex or a dotted name.
 */
function matchTerm(inventory: Inventory, term: PatternTerm, label: string, position?: SourcePosition): InventoryHost[] {
  const groups = new Set([...inventory.groups.keys()].filter((name) => term.matcher.test(name)));
  const checkHosts = groups.size === 0 || term.kind !== 'name' || term.name.includes('.');
  const namedHosts = new Set(checkHosts ? inventory.hosts.filter((host) => term.matcher.test(host.name)) : []);
  if (groups.size === 0 && namedHosts.size === 0) {
    throw new InputError(
      `${label}: ${describeMiss(term, inventory)}; expected ${describeChoices(inventory)}`,
      position,
    );
  }
  const matched = inventory.hosts.filter((host) => namedHosts.has(host) || host.groups.some((g) => groups.has(g)));
  return term.subscript ? applySubscript(matched, term, label, position) : matched;
}

function applySubscript(
  hosts: InventoryHost[],
  term: PatternTerm,
  label: string,
  position?: SourcePosition,
): InventoryHost[] {
  const { start, end } = term.subscript ?? { start: 0 };
  const from = start < 0 ? hosts.length + start : start;
  const to = end === undefined ? from : end === 'last' ? hosts.length - 1 : end;
  if (from < 0 || from >= hosts.length) {
    const range = hosts.length === 0 ? 'no hosts' : `0-${hosts.length - 1}`;
    const message = `${label}: index ${start} in "${term.text}" is out of range; expected an index within ${range} of "${term.name}"`;
    throw new InputError(message, position);
  }
  // Ansible subscripts are inclusive at both ends.
  return hosts.slice(from, to + 1);
}

/** A plain name gets the nearest group or host name (misspelt `web01` for `web1`); globs and regexes do not. */
function describeMiss(term: PatternTerm, inventory: Inventory): string {
  if (term.kind !== 'name') return `"${term.name}" matches no group or host`;
  const names = [...inventory.groups.keys(), ...inventory.hosts.map((h) => h.name)];
  return `no group or host named "${term.name}"${didYouMean(term.name, names)}`;
}

function describeChoices(inventory: Inventory): string {
  const groups = listNames([...inventory.groups.keys()].sort());
  return `a group (${groups}), a host of ${inventory.file}, a glob or a ~regex`;
}

function listNames(names: string[]): string {
  const shown = names.slice(0, MAX_LISTED_NAMES).join(', ');
  return names.length > MAX_LISTED_NAMES ? `${shown}, … (${names.length} in all)` : shown;
}
