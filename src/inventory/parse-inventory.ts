/** Ansible YAML inventory → draft (groups, hosts, vars with positions); structure keys are checked, vars are free-form. */
import { isMap, isNode, isScalar, Pair, type YAMLMap } from 'yaml';
import { describeValue } from '../config/describe-value.js';
import { keyText, positionOfNode, valueOrKeyNode } from '../config/node-position.js';
import type { YamlSource } from '../config/yaml-source.js';
import { InputError, type SourcePosition } from '../errors.js';
import { parseHostEntry } from './host-range.js';
import type { GroupDraft, InventoryDraft, VarDef } from './types.js';

const GROUP_KEYS = ['hosts', 'children', 'vars'];
const GROUP_EXPECTED = `a mapping with keys ${GROUP_KEYS.join(', ')} (or nothing)`;

export function parseInventory(source: YamlSource): InventoryDraft {
  const draft: InventoryDraft = { file: source.file, groups: new Map(), hosts: new Map() };
  const root = source.doc.contents;
  if (isEmpty(root)) return draft;
  if (!isMap(root)) {
    throw fail(source, root, `inventory is ${describeJs(source, root)}; expected a mapping of groups, e.g. "all:" with hosts and children`);
  }
  for (const pair of root.items) {
    const name = requireName(source, pair, 'group name');
    if (name === 'plugin') {
      const message = '"plugin" is an inventory plugin configuration; expected a static YAML inventory with groups at the top';
      throw fail(source, pair.key, message);
    }
    parseGroup(source, draft, name, pair);
  }
  return draft;
}

function parseGroup(source: YamlSource, draft: InventoryDraft, name: string, pair: Pair): void {
  const group = ensureGroup(draft, name, positionOfNode(source, pair.key));
  if (isEmpty(pair.value)) return;
  if (!isMap(pair.value)) {
    throw fail(source, pair.value, `group "${name}" is ${describeJs(source, pair.value)}; expected ${GROUP_EXPECTED}`);
  }
  for (const section of pair.value.items) {
    const key = keyText(section.key);
    if (key === 'vars') parseGroupVars(source, group, section);
    else if (key === 'children') parseChildren(source, draft, group, section);
    else if (key === 'hosts') parseHosts(source, draft, group, section);
    else {
      const shown = key === undefined ? describeJs(source, section.key) : `"${key}"`;
      throw fail(source, section.key, `unknown key ${shown} in group "${name}"; expected one of: ${GROUP_KEYS.join(', ')}`);
    }
  }
}

function parseGroupVars(source: YamlSource, group: GroupDraft, section: Pair): void {
  if (isEmpty(section.value)) return;
  if (!isMap(section.value)) {
    const got = describeJs(source, section.value);
    throw fail(source, section.value, `"vars" of group "${group.name}" is ${got}; expected a mapping of variable names to values`);
  }
  readVars(source, section.value, group.vars);
}

function parseChildren(source: YamlSource, draft: InventoryDraft, group: GroupDraft, section: Pair): void {
  for (const child of sectionEntries(source, group, section, 'child group names')) {
    const name = requireName(source, child, 'group name');
    parseGroup(source, draft, name, child);
    group.children.push({ name, position: positionOfNode(source, child.key) });
  }
}

function parseHosts(source: YamlSource, draft: InventoryDraft, group: GroupDraft, section: Pair): void {
  for (const entry of sectionEntries(source, group, section, 'host names to their variables')) {
    const text = requireName(source, entry, 'host name');
    const parsed = parseHostEntry(text);
    if ('error' in parsed) throw fail(source, entry.key, parsed.error);
    if (!isEmpty(entry.value) && !isMap(entry.value)) {
      const got = describeJs(source, entry.value);
      throw fail(source, entry.value, `host "${text}" in group "${group.name}" has ${got}; expected a mapping of variables (or nothing)`);
    }
    for (const name of parsed.names) {
      const vars = ensureHost(draft, name);
      if (parsed.port !== undefined) vars.set('ansible_port', { value: parsed.port, position: positionOfNode(source, entry.key) });
      if (isMap(entry.value)) readVars(source, entry.value, vars);
      if (!group.hosts.includes(name)) group.hosts.push(name);
    }
  }
}

/** A section's entries; a plain string is accepted as a single entry, as Ansible does. */
function sectionEntries(source: YamlSource, group: GroupDraft, section: Pair, expected: string): Pair[] {
  const value = section.value;
  if (isEmpty(value)) return [];
  if (isScalar(value) && typeof value.value === 'string') return [new Pair(value)];
  if (isMap(value)) return value.items;
  const key = keyText(section.key) ?? '';
  throw fail(source, value, `"${key}" of group "${group.name}" is ${describeJs(source, value)}; expected a mapping of ${expected}`);
}

function readVars(source: YamlSource, map: YAMLMap, into: Map<string, VarDef>): void {
  for (const pair of map.items) {
    const name = requireName(source, pair, 'variable name');
    const value = isNode(pair.value) ? pair.value.toJS(source.doc) : null;
    into.set(name, { value, position: positionOfNode(source, valueOrKeyNode(pair)) });
  }
}

function requireName(source: YamlSource, pair: Pair, what: string): string {
  const name = keyText(pair.key);
  if (isEmpty(pair.key) || name === undefined || name === '') {
    throw fail(source, pair.key ?? pair.value, `${what} is ${describeJs(source, pair.key)}; expected a non-empty ${what}`);
  }
  return name;
}

function ensureGroup(draft: InventoryDraft, name: string, position: SourcePosition): GroupDraft {
  let group = draft.groups.get(name);
  if (!group) {
    group = { name, position, vars: new Map(), children: [], hosts: [] };
    draft.groups.set(name, group);
  }
  return group;
}

function ensureHost(draft: InventoryDraft, name: string): Map<string, VarDef> {
  let vars = draft.hosts.get(name);
  if (!vars) {
    vars = new Map();
    draft.hosts.set(name, vars);
  }
  return vars;
}

function isEmpty(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

function describeJs(source: YamlSource, node: unknown): string {
  return describeValue(isNode(node) ? node.toJS(source.doc) : node);
}

function fail(source: YamlSource, node: unknown, message: string): InputError {
  return new InputError(message, positionOfNode(source, node));
}
