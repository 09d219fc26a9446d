/**
 * Ansible YAML inventory → draft (groups, hosts, vars with positions); structure keys are checked, vars are free-form.
 * Aliases and `<<` merge keys are followed everywhere (src/config/yaml-map.ts), as PyYAML does for Ansible.
 */
import { isMap, isNode, isScalar, Pair, type YAMLMap } from 'yaml';
import { describeValue } from '../config/describe-value.js';
import { didYouMean } from '../config/did-you-mean.js';
import { keyText, positionOfNode, valueOrKeyNode } from '../config/node-position.js';
import { mapEntries, resolveNode } from '../config/yaml-map.js';
import { nodeValue, type YamlSource } from '../config/yaml-source.js';
import { InputError } from '../errors.js';
import { parseHostEntry } from './host-range.js';
import { addMember, ensureGroup } from './draft-groups.js';
import type { GroupDraft, InventoryDraft, VarDef } from './types.js';

const GROUP_KEYS = ['hosts', 'children', 'vars'];
const GROUP_EXPECTED = `a mapping with keys ${GROUP_KEYS.join(', ')} (or nothing)`;

export function parseInventory(source: YamlSource): InventoryDraft {
  const draft: InventoryDraft = { file: source.file, groups: new Map(), hosts: new Map() };
  const root = resolveNode(source, source.doc.contents);
  if (isEmpty(root)) return draft;
  if (!isMap(root)) {
    throw fail(
      source,
      root,
      `inventory is ${describeJs(source, root)}; expected a mapping of groups, e.g. "all:" with hosts and children`,
    );
  }
  for (const pair of mapEntries(source, root)) {
    const name = requireName(source, pair, 'group name');
    if (name === 'plugin') {
      const message =
        '"plugin" is an inventory plugin configuration; expected a static YAML inventory with groups at the top';
      throw fail(source, pair.key, message);
    }
    parseGroup(source, draft, name, pair);
  }
  return draft;
}

function parseGroup(source: YamlSource, draft: InventoryDraft, name: string, pair: Pair): void {
  const group = ensureGroup(draft, name, positionOfNode(source, pair.key));
  const value = resolveNode(source, pair.value);
  if (isEmpty(value)) return;
  if (!isMap(value)) {
    throw fail(source, pair.value, `group "${name}" is ${describeJs(source, pair.value)}; expected ${GROUP_EXPECTED}`);
  }
  for (const section of mapEntries(source, value)) {
    const key = keyText(section.key);
    if (key === 'vars') parseGroupVars(source, group, section);
    else if (key === 'children') parseChildren(source, draft, group, section);
    else if (key === 'hosts') parseHosts(source, draft, group, section);
    else {
      const shown = key === undefined ? describeJs(source, section.key) : `"${key}"`;
      const hint = key === undefined ? '' : didYouMean(key, GROUP_KEYS);
      throw fail(
        source,
        section.key,
        `unknown key ${shown} in group "${name}"${hint}; expected one of: ${GROUP_KEYS.join(', ')}`,
      );
    }
  }
}

function parseGroupVars(source: YamlSource, group: GroupDraft, section: Pair): void {
  const value = resolveNode(source, section.value);
  if (isEmpty(value)) return;
  if (!isMap(value)) {
    const got = describeJs(source, section.value);
    throw fail(
      source,
      section.value,
      `"vars" of group "${group.name}" is ${got}; expected a mapping of variable names to values`,
    );
  }
  readVars(source, value, group.vars);
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
    const value = resolveNode(source, entry.value);
    if (!isEmpty(value) && !isMap(value)) {
      const got = describeJs(source, entry.value);
      throw fail(
        source,
        entry.value,
        `host "${text}" in group "${group.name}" has variables given as ${got}; expected a mapping of variables (or nothing)`,
      );
    }
    for (const name of parsed.names) {
      const vars = ensureHost(draft, name);
      if (parsed.port !== undefined)
        vars.set('ansible_port', { value: parsed.port, position: positionOfNode(source, entry.key) });
      if (isMap(value)) readVars(source, value, vars);
      addMember(group, name);
    }
  }
}

/** A section's entries; a plain string is accepted as a single entry, as Ansible does. */
function sectionEntries(source: YamlSource, group: GroupDraft, section: Pair, expected: string): Pair[] {
  const value = resolveNode(source, section.value);
  if (isEmpty(value)) return [];
  if (isScalar(value) && typeof value.value === 'string') return [new Pair(value)];
  if (isMap(value)) return mapEntries(source, value);
  const key = keyText(section.key) ?? '';
  throw fail(
    source,
    value,
    `"${key}" of group "${group.name}" is ${describeJs(source, value)}; expected a mapping of ${expected}`,
  );
}

/** Each entry of `map` (merges applied) as a variable with the position of its value; later entries override. */
export function readVars(source: YamlSource, map: YAMLMap, into: Map<string, VarDef>): void {
  for (const pair of mapEntries(source, map)) {
    const name = requireName(source, pair, 'variable name');
    const value = nodeValue(source, pair.value);
    into.set(name, { value, position: positionOfNode(source, valueOrKeyNode(pair)) });
  }
}

function requireName(source: YamlSource, pair: Pair, what: string): string {
  const name = keyText(pair.key);
  if (isEmpty(pair.key) || name === undefined || name === '') {
    throw fail(
      source,
      pair.key ?? pair.value,
      `${what} is ${describeJs(source, pair.key)}; expected a non-empty ${what}`,
    );
  }
  // Ansible refuses these ("must be a string"): YAML reads `1.10:` as 1.1 and `0123:` as 123, so the written name is lost.
  if (what !== 'variable name' && isScalar(pair.key) && typeof pair.key.value !== 'string') {
    const written = pair.key.source ?? name;
    throw fail(
      source,
      pair.key,
      `${what} ${written} is read by YAML as ${describeValue(pair.key.value)}, not text; expected a quoted name, e.g. "${written}":`,
    );
  }
  return name;
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
  return describeValue(isNode(node) ? nodeValue(source, node) : node);
}

function fail(source: YamlSource, node: unknown, message: string): InputError {
  return new InputError(message, positionOfNode(source, node));
}
