/** The small I/O side of known_hosts: choose the file, read it once per process, append trusted keys. */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ConnectOptions, HostTarget } from './connection.js';
import { formatKnownHostsLine, readKeyType } from './host-key.js';
import { parseKnownHosts, verifyHostKey, type HostKeyVerdict, type KnownHostsEntry } from './known-hosts.js';

const cache = new Map<string, Promise<KnownHostsEntry[]>>();
// one queue for every file keeps concurrent appends whole and lets each re-check what the previous one wrote
let appendQueue: Promise<unknown> = Promise.resolve();

/** Precedence: the run's option, then the inventory's UserKnownHostsFile, then ~/.ssh/known_hosts. */
export function chooseKnownHostsFile(
  options: Pick<ConnectOptions, 'knownHostsFile'>,
  target: Pick<HostTarget, 'knownHostsFile'>,
  homeDir: string = homedir(),
): string {
  const chosen = options.knownHostsFile ?? target.knownHostsFile ?? join(homeDir, '.ssh', 'known_hosts');
  // ssh options copied from an inventory often say ~/…, which no shell expanded for us
  return chosen === '~' || chosen.startsWith('~/') ? join(homeDir, chosen.slice(1)) : chosen;
}

/** Parsed entries of the file, read once per process; a missing file has no entries. */
export function loadKnownHosts(path: string): Promise<KnownHostsEntry[]> {
  let entries = cache.get(path);
  if (!entries) {
    entries = readKnownHostsText(path).then(parseKnownHosts);
    entries.catch(() => cache.delete(path));
    cache.set(path, entries);
  }
  return entries;
}

async function readKnownHostsText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/**
 * Trust on first use: appends the key unless another connection trusted a key for this host
 * meanwhile; returns the verdict against the file as it is after this call.
 */
export function acceptHostKey(path: string, host: string, port: number, keyBlob: Buffer): Promise<HostKeyVerdict> {
  const task = appendQueue.then(() => appendIfStillUnknown(path, host, port, keyBlob));
  appendQueue = task.catch(() => undefined);
  return task;
}

async function appendIfStillUnknown(path: string, host: string, port: number, keyBlob: Buffer): Promise<HostKeyVerdict> {
  cache.delete(path);
  const keyType = readKeyType(keyBlob) ?? '';
  const verdict = verifyHostKey(await loadKnownHosts(path), host, port, keyType, keyBlob);
  if (verdict.status !== 'unknown') return verdict;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const prefix = await needsLeadingNewline(path) ? '\n' : '';
  await appendFile(path, `${prefix}${formatKnownHostsLine(host, port, keyBlob)}\n`, { mode: 0o600 });
  cache.delete(path);
  return { status: 'match' };
}

async function needsLeadingNewline(path: string): Promise<boolean> {
  const text = await readKnownHostsText(path);
  return text.length > 0 && !text.endsWith('\n');
}
