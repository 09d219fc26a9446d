/**
 * Ansible's INI inventory dialect → draft, following plugins/inventory/ini.py: lines before any section
 * are ungrouped hosts; `[g]` lists hosts (`name[:port] key=value …`, shlex-split, `#` comments, ranges
 * `web[01:20]`); `[g:vars]` holds one `key = value` per line (not shlex-split: the value is the rest of the
 * line); `[g:children]` lists group names. Every value goes through Python's literal_eval rules
 * (python-literal.ts), so `ansible_port=2222` is a number and `x="1"` on a host line is the number 1
 * (shlex removed the quotes) while `x = "1"` in a vars section is the string "1". Lines starting with
 * `#` or `;` are comments. A `[g:vars]` for a group never declared, or a child never declared, is an error.
 */
import { InputError, type SourcePosition } from '../errors.js';
import { parseHostEntry } from './host-range.js';
import { pythonLiteral } from './python-literal.js';
import { splitShellWords } from './ssh-args.js';
import { addMember, ensureGroup } from './draft-groups.js';
import type { InventoryDraft } from './types.js';

type State = 'hosts' | 'vars' | 'children';
const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;
const IMPLICIT_GROUPS = ['all', 'ungrouped'];

interface Pending {
  /** [g:vars] sections and child references, by group name, checked once the whole file is read. */
  vars: Map<string, SourcePosition>;
  children: Map<string, { parent: string; position: SourcePosition }>;
  declared: Set<string>;
}

/** Pure: `text` is the content of `file`. Throws an InputError at FILE:LINE:COL for each kind of bad line. */
export function parseIniInventory(file: string, text: string): InventoryDraft {
  const draft: InventoryDraft = { file, groups: new Map(), hosts: new Map() };
  const pending: Pending = { vars: new Map(), children: new Map(), declared: new Set(IMPLICIT_GROUPS) };
  let group = 'ungrouped';
  let state: State = 'hosts';
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const at = (col = raw.indexOf(line) + 1): SourcePosition => ({ file, line: index + 1, col });
    const section = SECTION.exec(line);
    if (section) {
      [group, state] = readSection(draft, pending, section, at());
      return;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      throw new InputError(
        `invalid section header ${line}; expected [NAME], [NAME:vars] or [NAME:children] with no spaces in NAME`,
        at(),
      );
    }
    if (state === 'hosts') readHostLine(draft, group, raw, at);
    else if (state === 'vars') readVarLine(draft, group, raw, at);
    else readChildLine(draft, pending, group, line, at());
  });
  checkPending(pending);
  return draft;
}

function readSection(
  draft: InventoryDraft,
  pending: Pending,
  match: RegExpExecArray,
  position: SourcePosition,
): [string, State] {
  const [, name = '', type = 'hosts'] = match;
  if (type !== 'hosts' && type !== 'vars' && type !== 'children') {
    throw new InputError(
      `section [${name}:${type}] has unknown type "${type}"; expected [${name}], [${name}:vars] or [${name}:children]`,
      position,
    );
  }
  ensureGroup(draft, name, position);
  if (type === 'vars') {
    if (!pending.vars.has(name)) pending.vars.set(name, position);
  } else pending.declared.add(name);
  return [name, type];
}

function readHostLine(draft: InventoryDraft, group: string, raw: string, at: (col?: number) => SourcePosition): void {
  const words = splitShellWords(raw, { comments: true });
  if (typeof words === 'string') throw new InputError(`host line has an ${words}; expected balanced quotes`, at());
  const [entry = '', ...assignments] = words;
  if (!entry) return;
  if (/^[^:]*:$/.test(entry)) {
    throw new InputError(`host "${entry}" ends in ":"; expected a port after it, e.g. ${entry}2222`, at());
  }
  const parsed = parseHostEntry(entry);
  if ('error' in parsed) throw new InputError(parsed.error, at());
  const vars = assignments.map((word) => {
    const eq = word.indexOf('=');
    if (eq <= 0)
      throw new InputError(
        `"${word}" on host line of "${entry}"; expected key=value host variables`,
        at(columnOf(raw, word)),
      );
    const key = word.slice(0, eq);
    return { key, value: pythonLiteral(word.slice(eq + 1)), position: at(columnOf(raw, `${key}=`)) };
  });
  for (const name of parsed.names) {
    let hostVars = draft.hosts.get(name);
    if (!hostVars) draft.hosts.set(name, (hostVars = new Map()));
    if (parsed.port !== undefined) hostVars.set('ansible_port', { value: parsed.port, position: at() });
    for (const { key, value, position } of vars) hostVars.set(key, { value, position });
    const target = draft.groups.get(group);
    if (target) addMember(target, name);
  }
}

function readVarLine(draft: InventoryDraft, group: string, raw: string, at: (col?: number) => SourcePosition): void {
  const eq = raw.indexOf('=');
  const key = raw.slice(0, eq).trim();
  if (eq < 0 || !key)
    throw new InputError(`"${raw.trim()}" in [${group}:vars]; expected key=value, one per line`, at());
  const value = raw.slice(eq + 1).trim();
  const col = eq + 2 + (raw.slice(eq + 1).length - raw.slice(eq + 1).trimStart().length);
  draft.groups.get(group)?.vars.set(key, { value: pythonLiteral(value), position: at(value ? col : undefined) });
}

function readChildLine(
  draft: InventoryDraft,
  pending: Pending,
  group: string,
  line: string,
  position: SourcePosition,
): void {
  const child = GROUP_NAME.exec(line)?.[1];
  if (!child) throw new InputError(`"${line}" in [${group}:children]; expected a group name`, position);
  const parent = draft.groups.get(group);
  if (parent && !parent.children.some((c) => c.name === child)) parent.children.push({ name: child, position });
  ensureGroup(draft, child, position);
  if (!pending.children.has(child)) pending.children.set(child, { parent: group, position });
}

function checkPending(pending: Pending): void {
  for (const [name, position] of pending.vars) {
    if (!pending.declared.has(name)) {
      throw new InputError(
        `section [${name}:vars] is for group "${name}", which is not defined; expected a [${name}] or [${name}:children] section`,
        position,
      );
    }
  }
  for (const [name, { parent, position }] of pending.children) {
    if (!pending.declared.has(name)) {
      throw new InputError(
        `[${parent}:children] includes "${name}", which is not defined; expected a [${name}] or [${name}:children] section`,
        position,
      );
    }
  }
}

/** 1-based column of `text` in `raw`, or of the line start when shlex unquoting changed it. */
function columnOf(raw: string, text: string): number | undefined {
  const index = raw.indexOf(text);
  return index < 0 ? undefined : index + 1;
}
