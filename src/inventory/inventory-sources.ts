/**
 * What an `-i` value stands for, as Ansible's InventoryManager reads it: a comma list of hosts (host_list
 * plugin: a value that is not an existing path and has a comma), a directory (every entry, sorted,
 * recursively, skipping Ansible's INVENTORY_IGNORE_EXTS/IGNORED names), or a file whose format — YAML or
 * INI — is told by its content.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { isScalar, parseDocument } from 'yaml';
import { readSourceText } from '../config/source-text.js';
import { parseYamlSource } from '../config/yaml-source.js';
import { InputError } from '../errors.js';
import { parseHostEntry } from './host-range.js';
import { parseIniInventory } from './parse-ini-inventory.js';
import { parseInventory } from './parse-inventory.js';
import type { InventoryDraft } from './types.js';

export interface SourceDrafts {
  drafts: InventoryDraft[];
  /** Where group_vars/ and host_vars/ of this source live: a file's directory, or the directory itself. */
  varsDir?: string;
}

/** ansible-core >= 2.19 defaults (REJECT_EXTS + .orig, .cfg, .retry): `.ini` files in a directory are read. */
const IGNORED_EXTENSIONS = [
  '.pyc',
  '.pyo',
  '.swp',
  '.bak',
  '~',
  '.rpm',
  '.md',
  '.txt',
  '.rst',
  '.orig',
  '.cfg',
  '.retry',
];
const IGNORED_NAMES = ['host_vars', 'group_vars', 'vars_plugins'];
const YAML_EXTENSIONS = ['.yml', '.yaml', '.json'];
const INVENTORY_EXPECTED = 'a readable YAML or INI inventory file, a directory, or a comma list such as web1,web2,';

export function readSource(source: string): SourceDrafts {
  if (source.includes(',') && !existsSync(source)) return { drafts: [hostListDraft(source)] };
  if (isDirectory(source)) return { drafts: directoryDrafts(source), varsDir: source };
  return {
    drafts: [parseInventoryText(source, readSourceText(source, 'inventory', INVENTORY_EXPECTED))],
    varsDir: dirname(source),
  };
}

/** Pure: the draft of one inventory file, YAML or INI by content. */
export function parseInventoryText(file: string, text: string): InventoryDraft {
  if (text.startsWith('#!')) {
    throw new InputError(
      'inventory is a script (it starts with #!); expected a static YAML or INI inventory (scripts are not run)',
      { file, line: 1, col: 1 },
    );
  }
  return looksLikeIni(file, text) ? parseIniInventory(file, text) : parseInventory(parseYamlSource(file, text));
}

/**
 * INI when the first line that is not blank or a comment is a `[section]` header; otherwise YAML, unless the
 * file is not named .yml/.yaml/.json and YAML reads it as plain text (host lines such as `web1 ansible_port=22`)
 * or cannot read it and it does not start like a YAML mapping.
 */
export function looksLikeIni(file: string, text: string): boolean {
  const first = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line && !line.startsWith('#') && !line.startsWith(';'));
  if (first === undefined) return false;
  if (/^\[[^\],]*\]\s*(?:#.*)?$/.test(first)) return true;
  const ext = extname(file).toLowerCase();
  if (YAML_EXTENSIONS.includes(ext)) return false;
  if (ext === '.ini') return true;
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return !/^(?:---|[^\s=]+:(?:\s|$))/.test(first);
  return isScalar(doc.contents) && typeof doc.contents.value === 'string';
}

/** `-i "web1,web2:2222,"`: each name (with optional :port) a host in `ungrouped`; ranges are not expanded, as in Ansible. */
function hostListDraft(list: string): InventoryDraft {
  const draft: InventoryDraft = { file: list, groups: new Map(), hosts: new Map() };
  let offset = 0;
  for (const part of list.split(',')) {
    const position = { file: list, line: 1, col: offset + 1 + (part.length - part.trimStart().length) };
    offset += part.length + 1;
    if (!part.trim()) continue;
    const parsed = parseHostEntry(part);
    if ('error' in parsed) throw new InputError(`-i ${parsed.error}`, position);
    if (parsed.names.length !== 1) {
      throw new InputError(
        `-i host "${part.trim()}" is a range; expected plain host names in a comma list (ranges work in inventory files)`,
        position,
      );
    }
    const name = parsed.names[0] ?? '';
    const vars = draft.hosts.get(name) ?? new Map();
    if (parsed.port !== undefined) vars.set('ansible_port', { value: parsed.port, position });
    draft.hosts.set(name, vars);
  }
  if (draft.hosts.size === 0)
    throw new InputError(`-i "${list}" names no host; expected host names separated by commas, e.g. web1,web2,`);
  return draft;
}

function directoryDrafts(dir: string): InventoryDraft[] {
  return listDirectory(dir)
    .sort()
    .flatMap((entry) => {
      if (
        entry.startsWith('.') ||
        IGNORED_NAMES.includes(entry) ||
        IGNORED_EXTENSIONS.some((ext) => entry.endsWith(ext))
      )
        return [];
      const path = join(dir, entry);
      const kind = kindOf(path);
      if (kind === 'dir') return directoryDrafts(path);
      // A broken symlink or a socket is read (and reported) like a file, so nothing is skipped silently.
      return [parseInventoryText(path, readSourceText(path, 'inventory', INVENTORY_EXPECTED))];
    });
}

function listDirectory(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new InputError(
      `inventory directory cannot be read (${code}); expected a readable directory`,
      { file: dir, line: 1, col: 1 },
      { cause },
    );
  }
}

function kindOf(path: string): 'dir' | 'other' | undefined {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'other';
  } catch {
    return undefined;
  }
}

function isDirectory(path: string): boolean {
  return kindOf(path) === 'dir';
}
