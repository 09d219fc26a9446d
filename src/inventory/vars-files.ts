/**
 * group_vars/ and host_vars/ beside an inventory source, found as Ansible's host_group_vars vars plugin and
 * DataLoader.find_vars_files find them: the first of NAME, NAME.yml, NAME.yaml, NAME.json that exists; when it
 * is a directory, every file in it (sorted, recursively; hidden files, `~` backups and other extensions skipped),
 * later files overriding earlier ones. Each file is YAML (JSON is YAML) holding a mapping of variables.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { isMap, isScalar } from 'yaml';
import { describeValue } from '../config/describe-value.js';
import { resolveNode } from '../config/yaml-map.js';
import { loadYamlSource } from '../config/yaml-source.js';
import { positionOfNode } from '../config/node-position.js';
import { InputError } from '../errors.js';
import { readVars } from './parse-inventory.js';
import type { InventoryDraft, VarDef } from './types.js';

const EXTENSIONS = ['.yml', '.yaml', '.json'];

/** Adds the vars files under `dir` for every group and host of `draft` (later calls override earlier ones). */
export function addVarsFiles(draft: InventoryDraft, dir: string): void {
  const groups = ['all', 'ungrouped', ...draft.groups.keys()];
  draft.groupFileVars ??= new Map();
  draft.hostFileVars ??= new Map();
  const groupFiles = listing(join(dir, 'group_vars'));
  const hostFiles = listing(join(dir, 'host_vars'));
  // One directory listing per kind, so a large fleet without host_vars costs no per-host file system calls.
  for (const name of new Set(groups))
    mergeInto(draft.groupFileVars, name, readVarsFor(join(dir, 'group_vars'), name, groupFiles));
  for (const name of draft.hosts.keys())
    mergeInto(draft.hostFileVars, name, readVarsFor(join(dir, 'host_vars'), name, hostFiles));
}

function listing(dir: string): ReadonlySet<string> {
  return isDirectory(dir) ? new Set(readdirSync(dir)) : new Set();
}

function mergeInto(target: Map<string, Map<string, VarDef>>, name: string, vars: Map<string, VarDef>): void {
  if (vars.size === 0) return;
  const existing = target.get(name) ?? new Map<string, VarDef>();
  for (const [key, def] of vars) existing.set(key, def);
  target.set(name, existing);
}

/** The vars of group or host `name` from `dir` (group_vars/ or host_vars/); empty when there are none. */
export function readVarsFor(
  dir: string,
  name: string,
  entries: ReadonlySet<string> = listing(dir),
): Map<string, VarDef> {
  const vars = new Map<string, VarDef>();
  for (const entry of ['', ...EXTENSIONS].map((ext) => `${name}${ext}`)) {
    if (!entries.has(entry)) continue;
    const candidate = join(dir, entry);
    const kind = kindOf(candidate);
    if (!kind) continue;
    const files = kind === 'dir' ? filesIn(candidate) : [candidate];
    for (const file of files) readVarsFile(file, vars);
    break;
  }
  return vars;
}

function filesIn(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      if (entry.startsWith('.') || entry.endsWith('~')) return [];
      const path = join(dir, entry);
      const ext = extname(entry);
      const kind = kindOf(path);
      if (kind === 'dir' && !ext) return filesIn(path);
      return kind === 'file' && (!ext || EXTENSIONS.includes(ext)) ? [path] : [];
    });
}

function readVarsFile(file: string, into: Map<string, VarDef>): void {
  const source = loadYamlSource(file, 'vars file');
  const root = resolveNode(source, source.doc.contents);
  if (root === null || (isScalar(root) && root.value === null)) return;
  if (isScalar(root) && typeof root.value === 'string' && root.value.startsWith('$ANSIBLE_VAULT')) {
    throw new InputError(
      'vars file is encrypted with ansible-vault; expected a plain YAML file (vault is not supported)',
      positionOfNode(source, root),
    );
  }
  if (!isMap(root)) {
    const got = isScalar(root) ? describeValue(root.value) : 'a list';
    throw new InputError(
      `vars file holds ${got}; expected a mapping of variable names to values`,
      positionOfNode(source, root),
    );
  }
  readVars(source, root, into);
}

function kindOf(path: string): 'file' | 'dir' | undefined {
  try {
    const stat = statSync(path);
    return stat.isDirectory() ? 'dir' : stat.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

function isDirectory(path: string): boolean {
  return kindOf(path) === 'dir';
}
