/**
 * Counts the processes one host spawns for a command: `npx tsx test/bench/remote-execs.ts [CASE]` (root, strace, the lab;
 * KEEP_TRACE=1 prints the strace output too).
 * On ONE lab host, strace -f follows the host's listener (socat → sshd → login shell → sh → …) while the tool runs
 * `check`, `run playbooks/tune.yaml`, the gather script alone (as `run` sends it) and, as a floor, `true`, each on a
 * fresh lab so every `run` really changes the host. Prints successful execve calls and forks (fork, vfork, clone,
 * clone3) per case and the programs exec'd; sshd's own privilege-separation processes are included, as in
 * docs/architecture.md. The tracing and counting are test/lab/exec-census.ts's (the census benchmarks use too).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildGatherScript } from '../../src/facts/gather.js';
import { buildSampleScript } from '../../src/facts/sample-script.js';
import { newRecordToken } from '../../src/remote/records.js';
import { loadPlaybook } from '../../src/playbook/load-playbook.js';
import { filesNeeded } from '../../src/steps/definitions.js';
import { runCli, repoDir } from '../integration/run-cli.js';
import { startExecCensus, type ExecCount } from '../lab/exec-census.js';
import { startLab, type Lab } from '../lab/lab.js';
import { sshArgs } from '../lab/ssh-run.js';

/** What the host ran while `work` ran; the settle lets the session's last processes exit before strace detaches. */
async function traced(lab: Lab, work: () => Promise<void>): Promise<ExecCount> {
  const host = lab.hosts[0];
  if (!host) throw new Error('no lab host');
  const census = await startExecCensus(lab, host.name);
  await work();
  await sleep(300);
  const count = await census.stop();
  if (process.env['KEEP_TRACE']) console.log(count.trace);
  return count;
}

function ssh(lab: Lab, command: string, input: string): Promise<void> {
  const host = lab.hosts[0];
  if (!host) throw new Error('no lab host');
  return new Promise((resolve, reject) => {
    const child = spawn(
      'ssh',
      sshArgs({ port: host.port, privateKeyFile: lab.privateKeyFile, knownHostsFile: lab.knownHostsFile }, command),
      {
        stdio: ['pipe', 'ignore', 'inherit'],
      },
    );
    child.stdin.end(input);
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ssh exit ${code}`))));
  });
}

async function withLab<T>(fn: (lab: Lab) => Promise<T>): Promise<T> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'cf-execs-'));
  const lab = await startLab({
    count: 1,
    dir: path.join(tmp, 'lab'),
    portBase: Number(process.env['PORT_BASE'] ?? 23470), // PORT_BASE: keep clear of other labs on the machine
    inventoryFile: path.join(tmp, 'inv.yaml'),
    knownHostsFile: path.join(tmp, 'kh'),
  });
  try {
    return await fn(lab);
  } finally {
    await lab.down();
    await rm(tmp, { recursive: true, force: true });
  }
}

function cli(lab: Lab, args: string[]): () => Promise<void> {
  return async () => {
    const result = await runCli([...args, '-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile]);
    if (result.exitCode !== 0) throw new Error(`${args.join(' ')}: exit ${result.exitCode}\n${result.stderr}`);
  };
}

const tunePlaybook = path.join(repoDir, 'playbooks', 'tune.yaml');
const runFiles = filesNeeded(loadPlaybook(tunePlaybook));
const cases: Array<[string, (lab: Lab) => () => Promise<void>]> = [
  ['ssh true (floor)', (lab) => () => ssh(lab, 'true', '')],
  ['ssh sh -s: gather as check sends it', (lab) => () => ssh(lab, 'sh -s', buildGatherScript({ files: [] }))],
  ['ssh sh -s: gather as run sends it', (lab) => () => ssh(lab, 'sh -s', buildGatherScript({ files: runFiles }))],
  ['ssh sh -s: watch sample', (lab) => () => ssh(lab, 'sh -s', buildSampleScript(newRecordToken()))],
  ['check', (lab) => cli(lab, ['check'])],
  ['run tune.yaml', (lab) => cli(lab, ['run', tunePlaybook])],
];

const only = process.argv[2];
for (const [name, work] of cases) {
  if (only && !name.includes(only)) continue;
  const counts = await withLab((lab) => traced(lab, work(lab)));
  const top = [...counts.programs]
    .sort((a, b) => b[1] - a[1])
    .map(([p, n]) => `${p}×${n}`)
    .join(' ');
  console.log(
    `${name.padEnd(40)} execs ${String(counts.execs).padStart(4)}  forks ${String(counts.forks).padStart(4)}  ${top}`,
  );
}
