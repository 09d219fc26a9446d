/**
 * `npm run bench -- --hosts N [--rounds R] [-f FORKS] [--no-ansible]`: conntrack-fleet against its floors and peers
 * on N lab hosts (real sshd in namespaces on 127.0.0.1), in ONE run: an untimed census round (sshd log: connections
 * and channels per host; strace on one host: processes it spawned), then R timed rounds, every row once per round in
 * a fixed order, hosts reset (test/lab/host-reset.ts) before every row that must find them untuned. Prints a table
 * and writes bench/results/DATE-N.json. The CLI runs from dist (built first when src is newer).
 * Method and limits: docs/benchmarks.md. Asserts nothing; not part of `npm test`.
 */
import { readFileSync } from 'node:fs';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sshdTally } from '../integration/check-lab.js';
import { startExecCensus, type ExecCensus } from '../lab/exec-census.js';
import { resetHosts, snapshotHosts } from '../lab/host-reset.js';
import type { Lab } from '../lab/lab.js';
import { hostPathsFor, labPathsFor } from '../lab/layout.js';
import { resolveCommand } from '../lab/prerequisites.js';
import { renderTable, summarize, writeResults, type Census, type RowResult } from './compare-report.js';
import { ensureBuilt } from './dist-build.js';
import { startLabFleet, type LabFleet } from './lab-fleet.js';
import { loadAverage, machineInfo, processCount, versionsInfo } from './machine.js';
import { withMachineCpu } from './machine-cpu.js';
import { benchTools, repoDir, tunePlaybook, type BenchContext, type Sample, type Tool } from './tools.js';

export interface CompareOptions {
  hosts: number;
  rounds: number;
  /** Hosts at once for every tool (conntrack-fleet -f, the ssh loops, Ansible forks); default: all N. */
  forks?: number;
  ansible: boolean;
}

const portBase = 30000; // clear of the tests (24000-29999); 25-host parts 100 ports apart
/** Same for every host, so no host trips check's 90 % alarm (the lab's default count grows with the host index). */
const conntrackCount = 20000;

export async function benchCompare(options: CompareOptions): Promise<void> {
  const forks = options.forks ?? options.hosts;
  const ansibleInstalled = resolveCommand('ansible-playbook') !== null;
  if (options.ansible && !ansibleInstalled)
    console.log('Ansible row skipped: not installed (Debian: apt-get install ansible; it brings ansible.posix)');
  ensureBuilt(repoDir);
  warnAboutCapacity(options.hosts, forks);
  const loadBefore = loadAverage();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'cf-bench-compare-'));
  const labStarted = Date.now();
  let fleet: LabFleet | null = null;
  const onSignal = (): void => void (fleet?.down() ?? Promise.resolve()).finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  try {
    fleet = await startLabFleet(options.hosts, path.join(tmp, 'lab'), portBase, { partial: true });
    const labs = fleet.labs;
    const hosts = labs.reduce((n, lab) => n + lab.hosts.length, 0);
    const labStartS = (Date.now() - labStarted) / 1000;
    console.log(
      `lab: ${hosts} hosts up in ${labStartS.toFixed(1)} s${fleet.shortfall ? ` (asked for ${options.hosts}; stopped: ${fleet.shortfall})` : ''}`,
    );
    await prepareLabs(labs);
    const ctx = await contextFor(labs, fleet.inventoryFile, tmp, Math.min(forks, hosts));
    const tools = benchTools({ ansible: options.ansible && ansibleInstalled });
    const results = await measure(tools, labs, ctx, options.rounds);
    const summaries = summarize(results);
    console.log(
      `\n${hosts} hosts, forks ${ctx.forks}, ${options.rounds} rounds; load before ${loadBefore}, after ${loadAverage()}\n`,
    );
    console.log(renderTable(summaries));
    const file = writeResults(path.join(repoDir, 'bench', 'results'), hosts, {
      date: new Date().toISOString(),
      command: `npm run bench -- --hosts ${options.hosts} --rounds ${options.rounds} -f ${forks}${options.ansible ? '' : ' --no-ansible'}`,
      hostsRequested: options.hosts,
      hosts,
      labShortfall: fleet.shortfall,
      forks: ctx.forks,
      rounds: options.rounds,
      labStartS,
      load: { before: loadBefore, after: loadAverage() },
      machine: machineInfo(),
      versions: versionsInfo(repoDir),
      rows: summaries.map((s, i) => ({ ...s, samples: results[i]?.samples })),
    });
    console.log(`\nwritten: ${path.relative(repoDir, file)}`);
  } finally {
    process.off('SIGINT', onSignal);
    await fleet?.down();
    await rm(tmp, { recursive: true, force: true });
  }
}

function warnAboutCapacity(hosts: number, forks: number): void {
  const pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
  const needed = 2 * hosts + 6 * forks; // holder + socat per host; socat fork, nsenter, sshd, session, shell per connection
  const free = pidMax - processCount();
  if (needed > free)
    console.log(`warning: about ${needed} processes needed, ${free} PIDs free (kernel.pid_max ${pidMax})`);
}

/** sshd -i reads its config per connection: VERBOSE logs "Connection from" and "Starting session" (the census). */
async function prepareLabs(labs: Lab[]): Promise<void> {
  for (const lab of labs) {
    await Promise.all(
      lab.hosts.map((h) => appendFile(hostPathsFor(labPathsFor(lab.dir), h.name).sshdConfigFile, 'LogLevel VERBOSE\n')),
    );
    await snapshotHosts(lab, { count: conntrackCount }).catch(warnLabFault);
  }
}

/** A lab host that died (its holder killed from outside, e.g. by another lab's teardown) fails its rows; the run goes on. */
function warnLabFault(error: unknown): void {
  console.log(`warning: lab fault, the run goes on: ${error instanceof Error ? error.message : String(error)}`);
}

async function contextFor(labs: Lab[], inventoryFile: string, tmp: string, forks: number): Promise<BenchContext> {
  const lines = labs.flatMap((lab) => lab.hosts.map((h) => `${h.port} ${lab.privateKeyFile} ${lab.knownHostsFile}\n`));
  const hostsFile = path.join(tmp, 'hosts.txt');
  const playbookFile = path.join(tmp, 'tune.yaml');
  await writeFile(hostsFile, lines.join(''));
  await writeFile(playbookFile, tunePlaybook);
  return { hosts: lines.length, forks, hostsFile, inventoryFile, playbookFile, tmp };
}

async function measure(tools: Tool[], labs: Lab[], ctx: BenchContext, rounds: number): Promise<RowResult[]> {
  const results: RowResult[] = tools.map((t) => ({ id: t.id, label: t.label, samples: [], census: null }));
  let dirty = false;
  let previous = '';
  const prepare = async (tool: Tool): Promise<void> => {
    if (tool.needs === 'after-run' && previous !== 'run') throw new Error(`${tool.id} must follow the run row`);
    if (tool.needs === 'clean' && dirty) {
      for (const lab of labs) await resetHosts(lab).catch(warnLabFault);
      dirty = false;
    }
  };
  const done = (tool: Tool): void => {
    dirty ||= tool.changesHosts;
    previous = tool.id;
  };
  for (const [i, tool] of tools.entries()) {
    await prepare(tool);
    const row = results[i] as RowResult;
    row.census = await takeCensus(labs, async () => print('census', tool, await tool.run(ctx)));
    done(tool);
  }
  for (let round = 1; round <= rounds; round++) {
    for (const [i, tool] of tools.entries()) {
      await prepare(tool);
      const { value, machineCpuS } = await withMachineCpu(() => tool.run(ctx));
      const result = { ...value, machineCpuS };
      print(`round ${round}`, tool, result);
      results[i]?.samples.push(result);
      done(tool);
    }
  }
  return results;
}

function print(when: string, tool: Tool, s: Sample): void {
  const machine = s.machineCpuS === undefined ? '' : `  machine cpu ${s.machineCpuS.toFixed(2).padStart(6)} s`;
  const figures = `${s.wallS.toFixed(2).padStart(7)} s  cpu ${s.cpuS.toFixed(2).padStart(6)} s${machine}  rss ${s.maxRssMb.toFixed(0).padStart(4)} MB`;
  console.log(`${when.padEnd(8)} ${tool.id.padEnd(11)} ${figures}  ${s.ok ? '' : 'FAILED '}${s.summary}`);
}

/** Connections and channels per host from every sshd log; execs from strace on the first host (null without strace). */
async function takeCensus(labs: Lab[], action: () => Promise<void>): Promise<Census> {
  const tally = async () =>
    (await Promise.all(labs.map((lab) => Promise.all(lab.hosts.map((h) => sshdTally(lab, h.name)))))).flat();
  const before = await tally();
  const first = labs[0];
  let census: ExecCensus | null = null;
  if (first?.hosts[0] && resolveCommand('strace')) census = await startExecCensus(first, first.hosts[0].name);
  await action();
  const counted = census ? await census.stop() : null;
  const after = await tally();
  const deltas = after.map((now, i) => ({
    connections: now.connections - (before[i]?.connections ?? 0),
    sessions: now.sessions - (before[i]?.sessions ?? 0),
  }));
  const minMax = (values: number[]): [number, number] => [Math.min(...values), Math.max(...values)];
  return {
    connections: minMax(deltas.map((d) => d.connections)),
    channels: minMax(deltas.map((d) => d.sessions)),
    execs: counted?.execs ?? null,
  };
}
