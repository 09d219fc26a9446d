/**
 * Inventory host → HostTarget, reading Ansible's connection variables. Where Ansible accepts an
 * alias (ansible_ssh_host, ansible_ssh_port, …) the later name in its list wins, as in Ansible.
 * A relative ansible_ssh_private_key_file is resolved against the directory of the inventory file
 * that sets it — for group_vars/ and host_vars/ files, the directory holding them — (Ansible would leave it
 * to ssh, i.e. the current directory), so runs do not depend on cwd.
 */
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { gotExpected } from '../config/describe-value.js';
import { InputError } from '../errors.js';
import { becomePasswordEnvVar, becomePasswordVars } from '../transport/become-password.js';
import type { HostTarget } from '../transport/connection.js';
import type { ProxySetting } from '../transport/proxy-jump.js';
import { findOptionFiles, findProxySetting, splitShellWords } from './ssh-args.js';
import type { InventoryHost } from './types.js';
import { hostNameProblem, userNameProblem } from './name-rules.js';
import { varPosition } from './var-positions.js';

interface SetVar {
  name: string;
  value: unknown;
}

export function toHostTarget(host: InventoryHost, defaults: { user: string }): HostTarget {
  const target: HostTarget = {
    name: host.name,
    address: readChecked(host, ['ansible_host', 'ansible_ssh_host'], hostNameProblem) ?? host.name,
    port: readPort(host),
    user: readChecked(host, ['ansible_user', 'ansible_ssh_user'], userNameProblem) ?? defaults.user,
    become: readBecome(host),
    becomeUser: readChecked(host, ['ansible_become_user'], userNameProblem) ?? 'root',
    vars: host.vars,
  };
  const becomePassword = readBecomePassword(host, target.become);
  if (becomePassword !== undefined) target.becomePassword = () => Promise.resolve(becomePassword);
  const keyFile = readKeyFile(host);
  if (keyFile) target.privateKeyFile = keyFile;
  const [knownHostsFile, ...additionalKnownHostsFiles] = readSshArgFiles(host, 'UserKnownHostsFile') ?? [];
  if (knownHostsFile) target.knownHostsFile = knownHostsFile;
  if (additionalKnownHostsFiles.length > 0) target.additionalKnownHostsFiles = additionalKnownHostsFiles;
  const globalKnownHostsFiles = readSshArgFiles(host, 'GlobalKnownHostsFile');
  if (globalKnownHostsFiles) target.globalKnownHostsFiles = globalKnownHostsFiles;
  const proxy = readProxy(host);
  if (proxy) target.proxy = proxy;
  return target;
}

/** Ansible's boolean(): true/false, yes/no, on/off, y/n, t/f, 1/0, case-insensitive. */
export function parseAnsibleBool(value: unknown): boolean | undefined {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (text === true || text === 1 || ['y', 'yes', 'on', '1', 'true', 't'].includes(text as string)) return true;
  if (text === false || text === 0 || ['n', 'no', 'off', '0', 'false', 'f'].includes(text as string)) return false;
  return undefined;
}

/** The last of `names` that is set to something other than null, as Ansible's config resolution does. */
function lastSet(host: InventoryHost, names: readonly string[]): SetVar | undefined {
  let found: SetVar | undefined;
  for (const name of names) {
    const value = host.vars[name];
    if (value !== undefined && value !== null) found = { name, value };
  }
  return found;
}

function fail(host: InventoryHost, set: SetVar, expected: string): InputError {
  return new InputError(
    `host "${host.name}": ${set.name}: ${gotExpected(set.value, expected)}`,
    varPosition(host, set.name),
  );
}

/** A text variable that must also pass `problemOf` (src/inventory/name-rules.ts): it reaches ssh or a remote command. */
function readChecked(
  host: InventoryHost,
  names: readonly string[],
  problemOf: (text: string) => string | undefined,
): string | undefined {
  const set = lastSet(host, names);
  if (!set) return undefined;
  const text = typeof set.value === 'number' ? String(set.value) : set.value;
  const problem = typeof text === 'string' ? problemOf(text) : 'text';
  if (typeof text !== 'string' || problem) throw fail(host, set, problem ?? 'text');
  return text;
}

function readPort(host: InventoryHost): number {
  const set = lastSet(host, ['ansible_port', 'ansible_ssh_port']);
  if (!set) return 22;
  const port = typeof set.value === 'string' && /^\s*\d+\s*$/.test(set.value) ? Number(set.value) : set.value;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw fail(host, set, 'an integer 1-65535');
  }
  return port;
}

function readBecome(host: InventoryHost): boolean {
  const set = lastSet(host, ['ansible_become']);
  const become = set ? parseAnsibleBool(set.value) : false;
  if (become === undefined && set) throw fail(host, set, 'a boolean (true/false, yes/no)');
  const method = lastSet(host, ['ansible_become_method']);
  if (become && method && method.value !== 'sudo') throw fail(host, method, '"sudo", the only become method supported');
  return become === true;
}

/**
 * ansible_become_password and its aliases (Ansible's sudo become plugin: ansible_become_password,
 * ansible_become_pass, ansible_sudo_pass; the later wins). Any text, spaces included; the value is never echoed.
 * A Jinja2 template (`{{ vault_become_pass }}`, Ansible's usual way to fetch it from a vault) is refused on a host
 * that becomes: this tool does not evaluate templates, and giving sudo the template's text would be one failed
 * password attempt per host (auth logs, pam_faillock lockouts) reported as "the become password is wrong".
 */
function readBecomePassword(host: InventoryHost, becomes: boolean): string | undefined {
  const set = lastSet(host, becomePasswordVars);
  if (!set) return undefined;
  const text = typeof set.value === 'number' ? String(set.value) : set.value;
  // an inline `!vault |` value arrives as its ciphertext: say so rather than "not one line"
  if (typeof text === 'string' && text.trimStart().startsWith('$ANSIBLE_VAULT;')) {
    throw new InputError(
      `host "${host.name}": ${set.name} is encrypted with ansible-vault (!vault), which conntrack-fleet cannot ` +
        `decrypt; expected the password itself, or none here and ${becomePasswordEnvVar} or -K`,
      varPosition(host, set.name),
    );
  }
  if (typeof text !== 'string' || text === '' || /[\r\n]/.test(text)) {
    throw new InputError(
      `host "${host.name}": ${set.name}: expected one line of text (the value is not shown)`,
      varPosition(host, set.name),
    );
  }
  if (becomes && isJinjaTemplate(text)) {
    throw new InputError(
      `host "${host.name}": ${set.name} is a Jinja2 template, which conntrack-fleet does not evaluate (no vault, no ` +
        `lookups); expected the password itself, or none here and ${becomePasswordEnvVar} or -K (the value is not shown)`,
      varPosition(host, set.name),
    );
  }
  return text;
}

/** Ansible templates any string holding `{{ … }}` or `{% … %}` (Jinja2's expression and statement delimiters). */
function isJinjaTemplate(text: string): boolean {
  return /\{\{.*\}\}|\{%.*%\}/s.test(text);
}

function readKeyFile(host: InventoryHost): string | undefined {
  const names = ['ansible_private_key_file', 'ansible_ssh_private_key_file'];
  const set = lastSet(host, names);
  if (!set) return undefined;
  if (typeof set.value !== 'string' || set.value.trim() === '') throw fail(host, set, 'a path to a private key file');
  const path = expandHome(set.value.trim());
  const definedIn = varPosition(host, set.name)?.file;
  return definedIn ? resolve(baseDirOf(definedIn), path) : resolve(path);
}

/** The inventory's directory: for a file under group_vars/ or host_vars/, the directory holding those. */
function baseDirOf(file: string): string {
  const match = /^(.*)[\\/](?:group_vars|host_vars)[\\/]/.exec(file);
  return match ? match[1] || '/' : dirname(file);
}

/** The files of `-o KEYWORD=…` in ansible_ssh_common_args, else ansible_ssh_extra_args, `~` expanded. */
function readSshArgFiles(
  host: InventoryHost,
  keyword: 'UserKnownHostsFile' | 'GlobalKnownHostsFile',
): string[] | undefined {
  for (const name of ['ansible_ssh_common_args', 'ansible_ssh_extra_args']) {
    const set = lastSet(host, [name]);
    if (!set) continue;
    if (typeof set.value !== 'string') throw fail(host, set, 'a string of ssh arguments');
    const words = splitShellWords(set.value);
    if (typeof words === 'string') throw fail(host, set, `ssh arguments with balanced quotes (${words})`);
    const files = findOptionFiles(words, keyword);
    if (files) return files.map(expandHome);
  }
  return undefined;
}

/** Ansible puts common args before extra args on one ssh command line, so the words are read as one list. */
function readProxy(host: InventoryHost): ProxySetting | undefined {
  const sets = ['ansible_ssh_common_args', 'ansible_ssh_extra_args'].flatMap((name) => lastSet(host, [name]) ?? []);
  const words = sets.flatMap((set) => {
    const split = typeof set.value === 'string' ? splitShellWords(set.value) : [];
    return typeof split === 'string' ? [] : split; // readKnownHostsFile already rejected bad values
  });
  const found = findProxySetting(words, sets.map((set) => set.name).join(' + '));
  const last = sets.at(-1);
  if (typeof found === 'string' && last) throw fail(host, last, `ssh arguments ssh accepts (${found})`);
  return typeof found === 'string' ? undefined : found;
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path;
}
