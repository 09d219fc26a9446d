/**
 * Runs the real CLI (src through tsx) on a pseudo-terminal of a given size (util-linux `script`), or on plain pipes,
 * optionally under /usr/bin/time so the controller's own CPU (user+sys of the node process) can be read back.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoDir, type CliResult } from '../integration/run-cli.js';

export interface TimedCliResult extends CliResult {
  wallMs: number;
  /** From /usr/bin/time: user and system CPU of the CLI process, in ms; null when not measured. */
  cpu: { userMs: number; sysMs: number } | null;
}

export interface TtyCliOptions {
  /** A pty of this size; omit for plain pipes (stdout not a terminal). */
  tty?: { columns: number; rows: number };
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** Wrap the CLI in /usr/bin/time (GNU time) to measure its CPU. */
  measureCpu?: boolean;
}

const quote = (arg: string): string => `'${arg.replaceAll("'", "'\\''")}'`;

export function runCliTimed(args: string[], options: TtyCliOptions = {}): Promise<TimedCliResult> {
  const cpuFile = path.join(os.tmpdir(), `cf-cpu-${process.pid}-${Date.now()}-${Math.random().toString(16).slice(2)}`);
  const timePrefix = options.measureCpu ? ['/usr/bin/time', '-o', cpuFile, '-f', '%U %S'] : [];
  const cli = [...timePrefix, process.execPath, '--import', 'tsx', 'src/cli/main.ts', ...args];
  const [command, ...commandArgs] = options.tty
    ? [
        'script',
        '-qefc',
        `stty cols ${options.tty.columns} rows ${options.tty.rows}; exec ${cli.map(quote).join(' ')}`,
        '/dev/null',
      ]
    : cli;
  const env = { ...process.env, TERM: 'xterm-256color', NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env };
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(command as string, commandArgs, { cwd: repoDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.once('error', reject);
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const cpu = options.measureCpu ? readCpu(cpuFile) : null;
      resolve({
        exitCode,
        signal,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        wallMs,
        cpu,
      });
    });
  });
}

/** GNU time's `%U %S` (seconds); it may append a "Command exited with non-zero status" line first. */
function readCpu(file: string): { userMs: number; sysMs: number } | null {
  try {
    const last = readFileSync(file, 'utf8').trim().split('\n').at(-1) ?? '';
    const [user, sys] = last.split(' ').map(Number);
    if (user === undefined || sys === undefined || Number.isNaN(user) || Number.isNaN(sys)) return null;
    return { userMs: user * 1000, sysMs: sys * 1000 };
  } catch {
    return null;
  } finally {
    rmSync(file, { force: true });
  }
}

/** The text a terminal would end up showing, roughly: escape sequences and carriage returns removed. */
export function stripTerminal(output: string): string {
  return output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replaceAll('\r', '');
}
