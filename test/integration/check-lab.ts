/**
 * A lab for the `check` integration tests, with sshd logging every connection and session so a test can count
 * what the tool opened, plus small helpers to run `check` and read its answers.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CheckJson } from '../../src/report/check-json.js';
import { startLab, type Lab } from '../lab/lab.js';
import { hostPathsFor, labPathsFor } from '../lab/layout.js';
import { runSsh } from '../lab/ssh-run.js';
import { runCli, type CliResult } from './run-cli.js';

export interface CheckLab {
  lab: Lab;
  /** Scratch directory for this test file's own inventories and known_hosts files. */
  tmp: string;
  down(): Promise<void>;
}

export async function startCheckLab(count: number, portBase: number): Promise<CheckLab> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'conntrack-check-test-'));
  const lab = await startLab({
    count,
    dir: path.join(tmp, 'lab'),
    portBase,
    inventoryFile: path.join(tmp, 'lab.yaml'),
    knownHostsFile: path.join(tmp, 'lab.known_hosts'),
  }).catch(async (error: unknown) => {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  });
  // sshd -i reads its config on every connection: VERBOSE adds "Connection from" and "Starting session" lines.
  await Promise.all(lab.hosts.map((host) => appendFile(sshdFiles(lab, host.name).config, 'LogLevel VERBOSE\n')));
  return {
    lab,
    tmp,
    async down() {
      await lab.down();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

function sshdFiles(lab: Lab, host: string): { config: string; log: string } {
  const paths = hostPathsFor(labPathsFor(lab.dir), host);
  return { config: paths.sshdConfigFile, log: paths.sshdLogFile };
}

export interface HostKey {
  /** `ssh-ed25519 AAAA…`, as a known_hosts line carries it. */
  key: string;
  /** `SHA256:…`, as ssh-keygen -l prints it. */
  fingerprint: string;
}

/** The host's real public key and its fingerprint, read from the lab's files with ssh-keygen (not the tool). */
export async function hostKey(lab: Lab, host: string): Promise<HostKey> {
  const file = hostPathsFor(labPathsFor(lab.dir), host).hostPublicKeyFile;
  const [type = '', body = ''] = (await readFile(file, 'utf8')).trim().split(/\s+/);
  const { stdout } = await promisify(execFile)('ssh-keygen', ['-l', '-E', 'sha256', '-f', file]);
  const fingerprint = /SHA256:\S+/.exec(stdout)?.[0];
  if (!fingerprint) throw new Error(`ssh-keygen printed no fingerprint for ${file}: ${stdout}`);
  return { key: `${type} ${body}`, fingerprint };
}

export function portOf(lab: Lab, host: string): number {
  const found = lab.hosts.find((h) => h.name === host);
  if (!found) throw new Error(`no lab host named ${host}`);
  return found.port;
}

/** What one host's sshd saw: TCP connections that reached sshd, and command sessions (exec channels) it started. */
export interface SshdTally {
  connections: number;
  sessions: number;
}

export async function sshdTally(lab: Lab, host: string): Promise<SshdTally> {
  const log = await readFile(sshdFiles(lab, host).log, 'utf8').catch(() => '');
  return {
    connections: log.match(/^Connection from /gm)?.length ?? 0,
    sessions: log.match(/^Starting session: /gm)?.length ?? 0,
  };
}

/** Runs `action`, then says per host how many connections and sessions sshd logged meanwhile. */
export async function countContacts(lab: Lab, action: () => Promise<void>): Promise<Record<string, SshdTally>> {
  const tally = async () => Promise.all(lab.hosts.map(async (h) => [h.name, await sshdTally(lab, h.name)] as const));
  const before = new Map(await tally());
  await action();
  const after = await tally();
  return Object.fromEntries(
    after.map(([name, now]) => {
      const then = before.get(name) ?? { connections: 0, sessions: 0 };
      return [name, { connections: now.connections - then.connections, sessions: now.sessions - then.sessions }];
    }),
  );
}

/** `{ lab1: one, lab2: none, … }`: the tally a test expects when exactly `contacted` were checked once each. */
export function onceEach(lab: Lab, contacted: readonly string[]): Record<string, SshdTally> {
  return Object.fromEntries(
    lab.hosts.map((h) => [
      h.name,
      contacted.includes(h.name) ? { connections: 1, sessions: 1 } : { connections: 0, sessions: 0 },
    ]),
  );
}

/**
 * The conntrack stats file the tool's SSH session reads: the lab may point CONNTRACK_FLEET_STAT_FILE at a
 * stand-in (asked through the real ssh client, so any mechanism counts); null when it does not.
 */
export async function statsStandinFile(lab: Lab, host: string): Promise<string | null> {
  const result = await runSsh(lab, host, 'printf %s "${CONNTRACK_FLEET_STAT_FILE:-}"');
  assert.equal(result.exitCode, 0, `ssh ${host} failed: ${result.stderr}`);
  return result.stdout.trim() || null;
}

export async function checkJson(args: string[]): Promise<{ result: CliResult; hosts: CheckJson[] }> {
  const result = await runCli(['check', '-o', 'json', ...args], { timeoutMs: 60_000 });
  let hosts: CheckJson[];
  try {
    hosts = JSON.parse(result.stdout) as CheckJson[];
  } catch (error) {
    throw new Error(`check printed no JSON (exit ${result.exitCode}): ${result.stdout}\n${result.stderr}`, {
      cause: error,
    });
  }
  return { result, hosts };
}

export function byHost(hosts: CheckJson[]): Map<string, CheckJson> {
  return new Map(hosts.map((h) => [h.host, h]));
}

export async function exec(lab: Lab, host: string, script: string): Promise<string> {
  const result = await lab.exec(host, script);
  assert.equal(result.exitCode, 0, `lab.exec ${host} \`${script}\` failed: ${result.stderr}`);
  return result.stdout;
}
