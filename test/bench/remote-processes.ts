/**
 * Counts the processes one `run` (and one `check`) of the tune steps starts on ONE lab host: `strace -f` on the
 * host's listener (socat → sshd → login shell → sh → every command), so sshd's own forks count too.
 *   npx tsx test/bench/remote-processes.ts            prints execs, forks and the commands exec'd, per command
 * Needs root, the lab's prerequisites and strace. Numbers, not assertions: docs/architecture.md "What it saves".
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { labSkipReason, startLab } from '../lab/lab.js';
import { runCli } from '../integration/run-cli.js';

const playbook = [
  'hosts: all',
  'steps:',
  '  - check_count: {}',
  '  - raise_max: {value: 262144}',
  '  - set_hashsize: {value: max/4}',
  '  - set_timeouts: {tcp_timeout_established: 86400, tcp_timeout_time_wait: 90}',
  '  - persist: {}',
  '',
].join('\n');

interface Count {
  execs: number;
  /** execve calls, failed ones included (a shell tries each PATH directory in turn). */
  attempts: number;
  forks: number;
  commands: Map<string, number>;
}

function countTrace(text: string): Count {
  const commands = new Map<string, number>();
  let attempts = 0;
  let execs = 0;
  let forks = 0;
  // strace -f splits a call another process interrupts: `execve("X", … <unfinished ...>` then `<... execve resumed>) = 0`
  const pendingExec = new Map<string, string>();
  for (const line of text.split('\n')) {
    const pid = line.split(' ')[0] ?? '';
    const call = /execve\("([^"]+)"/.exec(line);
    if (call) attempts += 1;
    if (call && line.endsWith('<unfinished ...>')) pendingExec.set(pid, call[1]!);
    const resumed = line.includes('<... execve resumed>') ? pendingExec.get(pid) : undefined;
    const program = call && / = 0$/.test(line) ? call[1] : resumed !== undefined && / = 0$/.test(line) ? resumed : undefined;
    if (program !== undefined) {
      execs += 1;
      const name = path.basename(program);
      commands.set(name, (commands.get(name) ?? 0) + 1);
    }
    // the parent's side of a fork/clone returns the child's pid; threads (CLONE_THREAD) are not processes
    const fork = /\b(clone3?|v?fork)\(/.test(line) || /<\.\.\. (clone3?|v?fork) resumed>/.test(line);
    if (fork && !line.includes('CLONE_THREAD') && / = \d+$/.test(line)) forks += 1;
  }
  return { execs, attempts, forks, commands };
}

async function traced(pid: number, file: string, work: () => Promise<unknown>): Promise<Count> {
  const strace = spawn('strace', ['-f', '-qq', '-e', 'trace=execve,clone,clone3,fork,vfork', '-o', file, '-p', String(pid)], { stdio: 'ignore' });
  await sleep(500); // strace attaches
  await work();
  await sleep(500);
  strace.kill('SIGINT');
  await new Promise((resolve) => strace.on('close', resolve));
  return countTrace(await readFile(file, 'utf8'));
}

function show(name: string, count: Count): void {
  const top = [...count.commands].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ');
  console.log(`${name}: ${count.execs} execs (${count.attempts} execve calls), ${count.forks} forks\n  ${top}`);
}

async function main(): Promise<void> {
  const skip = labSkipReason();
  if (skip) throw new Error(skip);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'conntrack-procs-'));
  const lab = await startLab({ count: 1, dir: path.join(tmp, 'lab'), portBase: 29600, inventoryFile: path.join(tmp, 'inv.yaml'), knownHostsFile: path.join(tmp, 'kh') });
  try {
    const book = path.join(tmp, 'tune.yaml');
    await writeFile(book, playbook);
    const pid = lab.hosts[0]!.listenerPid;
    const check = await traced(pid, path.join(tmp, 'check.trace'), () => runCli(['check', '-i', lab.inventoryFile]));
    let exit: number | null = null;
    const run = await traced(pid, path.join(tmp, 'run.trace'), async () => (exit = (await runCli(['run', book, '-i', lab.inventoryFile])).exitCode));
    if (exit !== 0) throw new Error(`run exited ${exit}`);
    show('check', check);
    show('run', run);
  } finally {
    await lab.down();
    await rm(tmp, { recursive: true, force: true });
  }
}

await main();
