/**
 * Runs one command under GNU time and returns what the controller paid: wall seconds (measured here), user + system
 * CPU seconds and the peak resident set of the command and every child it waited for (`%M` is the LARGEST single
 * process's peak, in KiB, not a sum: a parallel ssh loop's 20 ssh processes count as one).
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TimedResult {
  wallS: number;
  /** user + system CPU seconds of the command and its waited-for children; NaN when time(1) wrote nothing. */
  cpuS: number;
  /** Peak RSS of the largest process, MiB; NaN when unknown. */
  maxRssMb: number;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export interface TimedOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
}

let sequence = 0;

export function runTimed(command: string, args: string[], options: TimedOptions = {}): Promise<TimedResult> {
  const timeFile = path.join(os.tmpdir(), `cf-bench-time-${process.pid}-${sequence++}`);
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-o', timeFile, '-f', '%U %S %M', command, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => err.push(d));
    if (options.input !== undefined) child.stdin?.end(options.input);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 900_000);
    child.once('error', reject);
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      const wallS = Number(process.hrtime.bigint() - started) / 1e9;
      resolve({
        wallS,
        ...readTime(timeFile),
        exitCode,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      });
    });
  });
}

/** GNU time may write "Command exited with non-zero status N" before the format line. */
function readTime(file: string): { cpuS: number; maxRssMb: number } {
  try {
    const [user, sys, rssKb] = (readFileSync(file, 'utf8').trim().split('\n').at(-1) ?? '').split(' ').map(Number);
    return { cpuS: (user ?? Number.NaN) + (sys ?? Number.NaN), maxRssMb: (rssKb ?? Number.NaN) / 1024 };
  } catch {
    return { cpuS: Number.NaN, maxRssMb: Number.NaN };
  } finally {
    rmSync(file, { force: true });
  }
}
