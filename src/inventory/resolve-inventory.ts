/**
 * Ansible's inventory semantics on a parsed draft: implicit `all` and `ungrouped`, group depth,
 * and variable precedence — groups merged sorted by (depth, ansible_group_priority, name), later
 * wins, then host vars; group_vars/ and host_vars/ files beat the inventory's own (Ansible's variable precedence
 * list, entries 3-9). See Ansible's "How variables are merged" (intro_inventory).
 */
import { InputError, type SourcePosition } from '../errors.js';
import { gotExpected } from '../config/describe-value.js';
import type { GroupDraft, Inventory, InventoryDraft, InventoryGroup, InventoryHost, VarDef } from './types.js';
import { rememberVarPositions } from './var-positions.js';

export function resolveInventory(draft: InventoryDraft): Inventory {
  const groups = buildGroups(draft);
  rejectCycles(groups);
  assignDepths(groups, 'all', 0);
  placeUngroupedHosts(draft, groups);
  const membership = indexMembership(groups);
  const hosts = [...draft.hosts.keys()].map((name) => resolveHost(name, membership.get(name) ?? [], draft, groups));
  return { file: draft.file, hosts, groups: new Map([...groups].map(([name, g]) => [name, toGroup(g)])) };
}

interface WorkGroup extends GroupDraft {
  parents: string[];
  childNames: string[];
  depth: number;
  priority: number;
}

function buildGroups(draft: InventoryDraft): Map<string, WorkGroup> {
  const groups = new Map<string, WorkGroup>();
  const implicit = ['all', 'ungrouped'].map((name): GroupDraft => ({ name, vars: new Map(), children: [], hosts: [] }));
  for (const g of [...implicit, ...draft.groups.values()]) {
    groups.set(g.name, { ...g, hosts: [...g.hosts], parents: [], childNames: [], depth: 0, priority: readPriority(g) });
  }
  for (const group of groups.values()) {
    for (const child of group.children) link(groups, group.name, child.name);
  }
  link(groups, 'all', 'ungrouped');
  for (const group of groups.values()) {
    if (group.name !== 'all' && group.parents.length === 0) link(groups, 'all', group.name);
  }
  return groups;
}

function link(groups: Map<string, WorkGroup>, parent: string, child: string): void {
  const p = groups.get(parent);
  const c = groups.get(child);
  if (!p || !c || p.childNames.includes(child)) return;
  p.childNames.push(child);
  c.parents.push(parent);
}

function readPriority(group: GroupDraft): number {
  const def = group.vars.get('ansible_group_priority');
  if (!def) return 1;
  const value = typeof def.value === 'string' && /^-?\d+$/.test(def.value.trim()) ? Number(def.value) : def.value;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new InputError(
      `ansible_group_priority of group "${group.name}": ${gotExpected(def.value, 'an integer')}`,
      def.position,
    );
  }
  return value;
}

function rejectCycles(groups: Map<string, WorkGroup>): void {
  const done = new Set<string>();
  const visit = (name: string, path: string[]): void => {
    if (done.has(name)) return;
    const group = groups.get(name);
    for (const child of group?.children ?? []) {
      if (path.includes(child.name)) {
        const loop = [...path.slice(path.indexOf(child.name)), child.name].join(' → ');
        throw new InputError(`group loop ${loop}; expected child groups without cycles`, child.position);
      }
      visit(child.name, [...path, child.name]);
    }
    done.add(name);
  };
  for (const name of groups.keys()) visit(name, [name]);
}

/** Depth is the longest path from `all`, as Ansible raises a child's depth whenever it gains a deeper parent. */
function assignDepths(groups: Map<string, WorkGroup>, name: string, depth: number): void {
  const group = groups.get(name);
  if (!group || (group.depth >= depth && name !== 'all')) return;
  group.depth = depth;
  for (const child of group.childNames) assignDepths(groups, child, depth + 1);
}

/** Hosts in no group but `all` belong to `ungrouped`; hosts in a real group leave it. */
function placeUngroupedHosts(draft: InventoryDraft, groups: Map<string, WorkGroup>): void {
  const ungrouped = groups.get('ungrouped');
  if (!ungrouped) return;
  const membership = indexMembership(groups);
  const isReal = (g: string): boolean => g !== 'all' && g !== 'ungrouped';
  const hostNames = [...draft.hosts.keys()];
  ungrouped.hosts = hostNames.filter((host) => !(membership.get(host) ?? []).some(isReal));
}

/** Host name → groups listing it directly. */
function indexMembership(groups: Map<string, WorkGroup>): Map<string, string[]> {
  const membership = new Map<string, string[]>();
  for (const group of groups.values()) {
    for (const host of group.hosts) membership.set(host, [...(membership.get(host) ?? []), group.name]);
  }
  return membership;
}

function resolveHost(
  name: string,
  direct: string[],
  draft: InventoryDraft,
  groups: Map<string, WorkGroup>,
): InventoryHost {
  const memberOf = withAncestors(direct, groups);
  memberOf.add('all');
  const ordered = [...memberOf]
    .map((g) => groups.get(g))
    .filter((g): g is WorkGroup => g !== undefined)
    .sort(compareGroups);
  const merged = new Map<string, VarDef>();
  // Ansible's VARIABLE_PRECEDENCE: inventory group vars < group_vars/ files (each in group order) < inventory host vars < host_vars/.
  for (const group of ordered) for (const [key, def] of group.vars) merged.set(key, def);
  for (const group of ordered)
    for (const [key, def] of draft.groupFileVars?.get(group.name) ?? []) merged.set(key, def);
  for (const [key, def] of draft.hosts.get(name) ?? []) merged.set(key, def);
  for (const [key, def] of draft.hostFileVars?.get(name) ?? []) merged.set(key, def);
  const host: InventoryHost = { name, vars: valuesOf(merged), groups: ordered.map((g) => g.name) };
  rememberVarPositions(host, new Map<string, SourcePosition>([...merged].map(([key, def]) => [key, def.position])));
  return host;
}

function withAncestors(names: string[], groups: Map<string, WorkGroup>): Set<string> {
  const seen = new Set<string>();
  const pending = [...names];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (seen.has(name)) continue;
    seen.add(name);
    pending.push(...(groups.get(name)?.parents ?? []));
  }
  return seen;
}

/** Ansible's sort_groups: (depth, priority, name), compared by code point like Python. */
function compareGroups(a: WorkGroup, b: WorkGroup): number {
  if (a.depth !== b.depth) return a.depth - b.depth;
  if (a.priority !== b.priority) return a.priority - b.priority;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function valuesOf(defs: Map<string, VarDef>): Record<string, unknown> {
  return Object.fromEntries([...defs].map(([key, def]) => [key, def.value]));
}

function toGroup(g: WorkGroup): InventoryGroup {
  const group: InventoryGroup = {
    name: g.name,
    depth: g.depth,
    priority: g.priority,
    parents: g.parents,
    children: g.childNames,
    hosts: g.hosts,
    vars: valuesOf(g.vars),
  };
  if (g.position) group.position = g.position;
  return group;
}
