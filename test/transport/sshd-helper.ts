/**
 * A real, throwaway sshd on 127.0.0.1 for integration tests (root only). Reusable by other test suites:
 *   const sshd = await startSshd({ authorizedKeys: [key.publicLine] }); ...; await sshd.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, sshKeygenMissing, type GeneratedKey } from './keygen-helper.js';

export const sshdPath = '/usr/sbin/sshd';

/** Why sshd integration tests cannot run here, or undefined when they can. */
export function sshdSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to run sshd';
  if (!existsSync(sshdPath)) return `${sshdPath} is not installed`;
  return sshKeygenMissing();
}

export interface SshdOptions {
  hostKeyTypes?: ('ed25519' | 'ecdsa' | 'rsa')[];
  /** Public key lines accepted for every user. */
  authorizedKeys?: string[];
  /** Extra sshd_config lines (sshd keeps the first value of a keyword: these cannot override the ones below). */
  extraConfig?: string[];
  /** sshd_config LogLevel; DEBUG1 logs the negotiated algorithms (`kex: algorithm: …`). Default VERBOSE. */
  logLevel?: 'VERBOSE' | 'DEBUG1';
}

export interface Sshd {
  port: number;
  dir: string;
  pid: number;
  hostKeys: GeneratedKey[];
  setAuthorizedKeys(lines: string[]): void;
  /** Per-connection children of the listener (the `sshd: user [priv]` processes). */
  sessionPids(): number[];
  log(): string;
  stop(): Promise<void>;
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

export async function startSshd(options: SshdOptions = {}): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), 'ctf-sshd-'));
  const hostKeys = (options.hostKeyTypes ?? ['ed25519']).map((type) => generateKey(dir, `host_${type}`, { type }));
  const authorizedKeysFile = join(dir, 'authorized_keys');
  const setAuthorizedKeys = (lines: string[]) =>
    writeFileSync(authorizedKeysFile, lines.map((l) => `${l}\n`).join(''), { mode: 0o600 });
  setAuthorizedKeys(options.authorizedKeys ?? []);
  const port = await freePort();
  const configFile = join(dir, 'sshd_config');
  writeFileSync(
    configFile,
    sshdConfig(port, hostKeys, authorizedKeysFile, options.extraConfig ?? [], options.logLevel),
  );
  // Debian's sshd refuses to start without its privilege separation directory
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const child = spawn(sshdPath, ['-D', '-e', '-f', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  await waitListening(child, () => log, port);
  return {
    port,
    dir,
    pid: child.pid ?? -1,
    hostKeys,
    setAuthorizedKeys,
    sessionPids: () => childPids(child.pid ?? -1),
    log: () => log,
    stop: () => stopSshd(child, dir),
  };
}

function sshdConfig(
  port: number,
  hostKeys: GeneratedKey[],
  authorizedKeysFile: string,
  extra: string[],
  logLevel = 'VERBOSE',
): string {
  return [
    'ListenAddress 127.0.0.1',
    `Port ${port}`,
    ...hostKeys.map((k) => `HostKey ${k.privateFile}`),
    `AuthorizedKeysFile ${authorizedKeysFile}`,
    'PidFile none',
    'UsePAM no',
    // the temp dir lives under world-writable /tmp, which StrictModes would reject
    'StrictModes no',
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    `LogLevel ${logLevel}`,
    ...extra,
    '',
  ].join('\n');
}

function waitListening(child: ChildProcess, log: () => string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`sshd did not listen within 10 s:\n${log()}`)), 10_000);
    const poll = setInterval(() => log().includes(`port ${port}`) && done(), 20);
    const onExit = (code: number | null) => fail(new Error(`sshd exited (${code}) before listening:\n${log()}`));
    const done = () => {
      clearTimeout(timer);
      clearInterval(poll);
      child.off('exit', onExit);
      resolve();
    };
    const fail = (error: Error) => {
      clearTimeout(timer);
      clearInterval(poll);
      child.kill('SIGKILL');
      reject(error);
    };
    child.once('exit', onExit);
  });
}

function childPids(parent: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        // the command name may contain spaces, so split after its closing parenthesis
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent;
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function stopSshd(child: ChildProcess, dir: string): Promise<void> {
  for (const pid of childPids(child.pid ?? -1)) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
}
