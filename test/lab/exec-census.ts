/**
 * Counts the processes one lab host runs on the remote side: `strace -f -c` attached to the host's listener (socat)
 * follows every connection it accepts (socat's fork, nsenter, sshd -i, sshd's privilege-separated child, the login
 * shell and everything the session scripts start) and counts execve and fork-like calls.
 *
 *   const census = await startExecCensus(lab, 'lab1');  … run the tool …  const count = await census.stop();
 *   count = { execs, forks }: execs are SUCCESSFUL execve calls (a shell searching PATH also makes failing ones,
 *   which strace -c lists as errors); forks count fork, vfork, clone and clone3 (threads too). Connections and
 *   sessions come from the sshd log instead (test/integration/check-lab.ts sshdTally).
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
}

export interface ExecCensus {
  stop(): Promise<ExecCount>;
}

const forkCalls = new Set(['fork', 'vfork', 'clone', 'clone3']);

export async function startExecCensus(lab: Lab, hostName: string): Promise<ExecCensus> {
  const host = lab.hosts.find((h) => h.name === hostName);
  if (!host) throw new Error(`no lab host named ${hostName}`);
  const strace = resolveCommand('strace');
  if (!strace) throw new Error('strace is not installed (apt-get install strace)');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cf-exec-census-'));
  const output = path.join(dir, 'strace.txt');
  const args = ['-f', '-c', '-e', 'trace=execve,fork,vfork,clone,clone3', '-o', output, '-p', String(host.listenerPid)];
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
      const summary = await readFile(output, 'utf8').catch(() => '');
      await rm(dir, { recursive: true, force: true });
      return parseStraceSummary(summary);
    },
  };
}

/** strace -c table rows: `% time  seconds  usecs/call  calls  [errors]  syscall`; errors is blank when none failed. */
export function parseStraceSummary(summary: string): ExecCount {
  const count: ExecCount = { execs: 0, forks: 0 };
  for (const line of summary.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const syscall = fields.at(-1) ?? '';
    const numbers = fields.slice(3, -1).map(Number);
    if (fields.length < 5 || numbers.some((n) => Number.isNaN(n))) continue;
    const [calls = 0, errors = 0] = numbers;
    if (syscall === 'execve') count.execs += calls - errors;
    else if (forkCalls.has(syscall)) count.forks += calls - errors;
  }
  return count;
}
