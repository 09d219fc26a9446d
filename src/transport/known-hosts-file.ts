/** The small I/O side of known_hosts: choose the files, read each once per process, append trusted keys. */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { errorMessage } from '../errors.js';
import type { ConnectOptions, HostTarget } from './connection.js';
import { formatKnownHostsLine, readKeyType } from './host-key.js';
import { parseKnownHosts, verifyHostKey, type HostKeyVerdict, type KnownHostsEntry } from './known-hosts.js';

/** Every file ssh reads for host keys. Keys are added to `user[0]` only (ssh's user_hostfiles[0]). */
export interface KnownHostsFiles {
  user: string[];
  global: string[];
}

/** ssh_config(5) defaults of UserKnownHostsFile (under the home directory) and GlobalKnownHostsFile. */
export const defaultUserKnownHostsFiles = ['.ssh/known_hosts', '.ssh/known_hosts2'] as const;
export const defaultGlobalKnownHostsFiles = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'] as const;

const cache = new Map<string, Promise<KnownHostsEntry[]>>();
// one queue for every file keeps concurrent appends whole and lets each re-check what the previous one wrote
let appendQueue: Promise<unknown> = Promise.resolve();

/**
 * Precedence for each list: the run's option, then the target's (inventory `-o` or ssh_config), then the default.
 * `--known-hosts FILE` replaces all user files, as `ssh -o UserKnownHostsFile=FILE` does. `none` (ssh_config(5))
 * names no file: UserKnownHostsFile=none reads and writes no user file.
 */
export function chooseKnownHostsFiles(
  options: Pick<ConnectOptions, 'knownHostsFile' | 'globalKnownHostsFiles'>,
  target: Pick<HostTarget, 'knownHostsFile' | 'additionalKnownHostsFiles' | 'globalKnownHostsFiles'>,
  homeDir: string = homedir(),
): KnownHostsFiles {
  const user =
    options.knownHostsFile !== undefined
      ? [options.knownHostsFile]
      : target.knownHostsFile !== undefined
        ? [target.knownHostsFile, ...(target.additionalKnownHostsFiles ?? [])]
        : defaultUserKnownHostsFiles.map((f) => join(homeDir, f));
  const global = options.globalKnownHostsFiles ?? target.globalKnownHostsFiles ?? [...defaultGlobalKnownHostsFiles];
  // ssh options copied from an inventory often say ~/…, which no shell expanded for us
  const expand = (f: string) => (f === '~' || f.startsWith('~/') ? join(homeDir, f.slice(1)) : f);
  const named = (files: string[]) => files.filter((f) => f.toLowerCase() !== 'none').map(expand);
  return { user: named(user), global: named(global) };
}

/** Parsed entries of the file, read once per process; a missing file has no entries (as in ssh). */
export function loadKnownHosts(path: string): Promise<KnownHostsEntry[]> {
  let entries = cache.get(path);
  if (!entries) {
    entries = readKnownHostsText(path).then((text) => parseKnownHosts(text, path));
    entries.catch(() => cache.delete(path));
    cache.set(path, entries);
  }
  return entries;
}

/** The merged entries of a list of files, with the per-file reads they were merged from. */
const merged = new Map<string, { parts: Promise<KnownHostsEntry[]>[]; entries: Promise<KnownHostsEntry[]> }>();

/**
 * Entries of every user file, then every global file, each tagged with its file. The same array while no file of
 * the list was re-read (an append re-reads its file), so known-hosts-index.ts indexes it once for the whole fleet.
 */
export function loadKnownHostsFiles(files: KnownHostsFiles): Promise<KnownHostsEntry[]> {
  const paths = [...files.user, ...files.global];
  const parts = paths.map(loadKnownHosts);
  const key = paths.join('\0');
  const known = merged.get(key);
  if (known && known.parts.every((part, i) => part === parts[i])) return known.entries;
  const entries = Promise.all(parts).then((perFile) => perFile.flat());
  merged.set(key, { parts, entries });
  return entries;
}

async function readKnownHostsText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return '';
    throw new Error(`cannot read known_hosts file ${path} (${code ?? errorMessage(error)})`, { cause: error });
  }
}

export interface AcceptResult {
  verdict: HostKeyVerdict;
  /** The line appended to `file`, or null when another connection trusted a key meanwhile. */
  added: { file: string; line: string } | null;
}

/**
 * Trust on first use: appends the key to the first user file unless, with every file re-read, the host is no
 * longer unknown (another connection trusted a key meanwhile); the verdict is against the files after this call.
 */
export function acceptHostKey(
  files: KnownHostsFiles,
  host: string,
  port: number,
  keyBlob: Buffer,
): Promise<AcceptResult> {
  const task = appendQueue.then(() => appendIfStillUnknown(files, host, port, keyBlob));
  appendQueue = task.catch(() => undefined);
  return task;
}

async function appendIfStillUnknown(
  files: KnownHostsFiles,
  host: string,
  port: number,
  keyBlob: Buffer,
): Promise<AcceptResult> {
  const [path] = files.user;
  if (path !== undefined) cache.delete(path);
  const keyType = readKeyType(keyBlob) ?? '';
  const verdict = verifyHostKey(await loadKnownHostsFiles(files), host, port, keyType, keyBlob);
  if (verdict.status !== 'unknown' || path === undefined) return { verdict, added: null };
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const prefix = (await needsLeadingNewline(path)) ? '\n' : '';
  const line = formatKnownHostsLine(host, port, keyBlob);
  await appendFile(path, `${prefix}${line}\n`, { mode: 0o600 });
  cache.delete(path);
  return { verdict: { status: 'match' }, added: { file: path, line } };
}

async function needsLeadingNewline(path: string): Promise<boolean> {
  const text = await readKnownHostsText(path);
  return text.length > 0 && !text.endsWith('\n');
}
