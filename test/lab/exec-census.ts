/**
 * Counts the processes one lab host runs on the remote side: `strace -f` attached to the host's listener (socat)
 * follows every connection it accepts (socat's fork, nsenter, sshd -i, sshd's privilege-separated child, the login
 * shell and everything the session scripts start) and counts execve and fork-like calls.
 *
 *   const census = await startExecCensus(lab, 'lab1');  … run the tool …  const count = await census.stop();
 *   count = { execs, forks, programs, trace }: execs are SUCCESSFUL execve calls (a shell searching PATH also makes
 *   failing ones); programs counts them by the basename of the file executed; forks count fork, vfork, clone and
 *   clone3 (threads too); trace is strace's own output. Connections and sessions come from the sshd log instead
 *   (test/integration/check-lab.ts sshdTally).
 * Each connection alone costs execs on this lab: nsenter, sshd, and the login shell, so `ssh host true` is the
 * baseline every tool pays. strace slows the traced host, so a benchmark counts in an untimed round.
 * Needs strace (apt-get install strace); startExecCensus throws when it is missing.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Lab } from './lab.js';
import { resolveCommand } from './prerequisites.js';

export interface ExecCount {
  execs: number;
  forks: number;
  /** Successful execve calls by the basename of the file executed (`grep` → 4). */
  programs: Map<string, number>;
}

export interface ExecCensus {
  /** Detaches strace and counts what it saw; `trace` is strace's raw output (one call per line). */
  stop(): Promise<ExecCount & { trace: string }>;
}

const forkCall = /^(clone3?|v?fork)$/;

export async function startExecCensus(lab: Lab, hostName: string): Promise<ExecCensus> {
  const host = lab.hosts.find((h) => h.name === hostName);
  if (!host) throw new Error(`no lab host named ${hostName}`);
  const strace = resolveCommand('strace');
  if (!strace) throw new Error('strace is not installed (apt-get install strace)');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cf-exec-census-'));
  const output = path.join(dir, 'strace.txt');
  // -s 120: execve's file name is its first string argument; long enough for any path the scripts run
  const calls = 'trace=execve,fork,vfork,clone,clone3';
  const args = ['-f', '-s', '120', '-e', calls, '-o', output, '-p', String(host.listenerPid)];
  const child = spawn(strace, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`strace did not attach within 10 s: ${stderr}`)), 10_000);
    child.stderr.on('data', (data: Buffer) => {
      stderr += data.toString();
      if (/attached/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`strace exited (${code}) before attaching: ${stderr}`));
    });
  });
  return {
    async stop() {
      child.kill('SIGINT');
      await exited;
      const trace = await readFile(output, 'utf8').catch(() => '');
      await rm(dir, { recursive: true, force: true });
      return { ...parseStraceTrace(trace), trace };
    },
  };
}

/**
 * Counts an `strace -f` trace: lines `PID name(args…) = RESULT`. A call that another process interrupts is split into
 * `PID name(… <unfinished ...>` and `PID <... name resumed> …) = RESULT` (strace(1), -f); the resumed line carries the
 * result, the unfinished one the file name. A call counts when its result is not -1 (errno).
 */
export function parseStraceTrace(trace: string): ExecCount {
  const count: ExecCount = { execs: 0, forks: 0, programs: new Map() };
  const pending = new Map<string, { call: string; file: string }>();
  for (const line of trace.split('\n')) {
    const pid = /^(\d+)\s/.exec(line)?.[1] ?? '';
    let call = /^\d+\s+(\w+)\(/.exec(line)?.[1];
    let file = /^\d+\s+execve\("([^"]*)"/.exec(line)?.[1] ?? '';
    if (line.endsWith('<unfinished ...>')) {
      if (call) pending.set(pid, { call, file });
      continue;
    }
    const resumed = /<\.\.\. (\w+) resumed>/.exec(line)?.[1];
    if (resumed) ({ call, file } = pending.get(pid) ?? { call: resumed, file: '' });
    const succeeded = !/= -1 /.test(line) && /= \d+/.test(line);
    if (!succeeded || !call) continue;
    if (call === 'execve') {
      count.execs += 1;
      const program = path.basename(file);
      count.programs.set(program, (count.programs.get(program) ?? 0) + 1);
    } else if (forkCall.test(call)) count.forks += 1;
  }
  return count;
}
