/**
 * Soak: N lab hosts (real sshd, test/lab), C tune/rollback cycles inside ONE controller process.
 *   npm run soak -- [--hosts 200] [--cycles 20] [-f 50] [--port-base 41000]
 * Each cycle: `run` (playbooks/tune.yaml without serial/gate, so one batch and no soak wait) then `rollback --last`,
 * both through src/cli/main.ts `main` in-process. After each cycle: every host's state (/etc, knobs, timeouts,
 * modules; rollout-lab.ts hostState) against its state before cycle 1, ESTABLISHED TCP to lab ports, SSH sessions still
 * open, and this process's fds, RSS and heapUsed after global.gc(). Prints a table and a verdict (verdict.ts); exit 1
 * on a leak or a host not restored, 2 when it cannot run (no lab, bad flags). Not part of `npm test`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { startLabFleet } from '../bench/lab-fleet.js';
import { fleetState } from '../integration/rollout-lab.js';
import { labSkipReason, type Lab } from '../lab/lab.js';
import { runInProcess, type InProcessResult } from './in-process-cli.js';
import { leftConnections, sampleController } from './probes.js';
import {
  formatTable,
  formatVerdict,
  parseSoakArgs,
  soakVerdict,
  type CycleSample,
  type SoakOptions,
} from './verdict.js';

const tunePlaybook = fileURLToPath(new URL('../../playbooks/tune.yaml', import.meta.url));

/** The shipped tune playbook as one batch: serial, gate (10 s soak) and abort policy removed, the steps untouched. */
function writeOneBatchPlaybook(dir: string): string {
  const book = parse(readFileSync(tunePlaybook, 'utf8')) as Record<string, unknown>;
  for (const key of ['serial', 'gate', 'on_abort', 'max_fail_percentage']) delete book[key];
  const file = path.join(dir, 'tune-one-batch.yaml');
  writeFileSync(file, stringify(book));
  return file;
}

type FleetState = Map<string, string>;

async function readFleet(labs: Lab[]): Promise<FleetState> {
  const all: FleetState = new Map();
  // one lab (≤ 25 hosts) at a time: 200 concurrent nsenter + sha256sum of /etc would starve the shared CPUs
  for (const lab of labs)
    for (const [host, state] of await fleetState(
      lab,
      lab.hosts.map((h) => h.name),
    ))
      all.set(host, state);
  return all;
}

/** Hosts whose state differs from `before`, each with its first differing lines (for the log). */
function differing(before: FleetState, after: FleetState): string[] {
  const out: string[] = [];
  for (const [host, was] of before) {
    const now = after.get(host) ?? '';
    if (now === was) continue;
    const wasLines = new Set(was.split('\n'));
    const nowLines = new Set(now.split('\n'));
    const gone = [...wasLines]
      .filter((l) => !nowLines.has(l))
      .slice(0, 3)
      .map((l) => `- ${l}`);
    const added = [...nowLines]
      .filter((l) => !wasLines.has(l))
      .slice(0, 3)
      .map((l) => `+ ${l}`);
    out.push(`${host}: ${[...gone, ...added].join(' | ')}`);
  }
  return out;
}

function failedCall(label: string, result: InProcessResult): void {
  console.log(`  ${label} exited ${result.exitCode}; last output:\n${result.output.slice(-3000)}`);
}

function load(): string {
  return os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(', ');
}

async function soak(options: SoakOptions, dir: string): Promise<boolean> {
  const book = writeOneBatchPlaybook(dir);
  const started = performance.now();
  const fleet = await startLabFleet(options.hosts, path.join(dir, 'fleet'), options.portBase);
  try {
    console.log(
      `lab: ${options.hosts} hosts up in ${((performance.now() - started) / 1000).toFixed(1)} s; load average ${load()}`,
    );
    const baseline = await readFleet(fleet.labs);
    const common = ['-i', fleet.inventoryFile, '-f', String(options.forks), '-o', 'plain'];
    const before = sampleController();
    console.log(
      `controller before cycle 1: ${before.fds} fds, rss ${(before.rssBytes / 2 ** 20).toFixed(1)} MiB, heapUsed ${(before.heapUsedBytes / 2 ** 20).toFixed(1)} MiB`,
    );
    const samples: CycleSample[] = [];
    for (let cycle = 1; cycle <= options.cycles; cycle++) {
      const tune = await runInProcess(['run', book, ...common], path.join(dir, `tune-${cycle}.json`));
      if (tune.exitCode !== 0) failedCall('tune', tune);
      const rollback = await runInProcess(['rollback', '--last', ...common], path.join(dir, `rollback-${cycle}.json`));
      if (rollback.exitCode !== 0) failedCall('rollback', rollback);
      const left = await leftConnections(fleet.labs);
      // before the state read: its strings (tens of KiB per host) are the soak's, not the controller's
      const controller = sampleController();
      const diffs = differing(baseline, await readFleet(fleet.labs));
      for (const line of diffs.slice(0, 5)) console.log(`  cycle ${cycle}: ${line}`);
      const sample: CycleSample = {
        cycle,
        tuneMs: tune.wallMs,
        rollbackMs: rollback.wallMs,
        tuneExit: tune.exitCode,
        rollbackExit: rollback.exitCode,
        changed: tune.summary?.['changed'] ?? 0,
        rolledBack: rollback.summary?.['rolled-back'] ?? 0,
        hostsDiffering: diffs.length,
        ...left,
        ...controller,
      };
      samples.push(sample);
      console.log(formatTable([sample]).split('\n').at(-1));
    }
    console.log(
      `\n${options.hosts} hosts, ${options.cycles} cycles, -f ${options.forks}; load average at the end ${load()}\n`,
    );
    console.log(formatTable(samples));
    const verdict = soakVerdict(options.hosts, before.fds, samples);
    console.log(`\n${formatVerdict(verdict, before.fds)}`);
    return verdict.pass;
  } finally {
    await fleet.down();
  }
}

async function entry(): Promise<number> {
  let options: SoakOptions;
  try {
    options = parseSoakArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`soak: ${(error as Error).message}`);
    return 2;
  }
  const skip = labSkipReason();
  if (skip) {
    console.error(`soak: cannot run: ${skip}`);
    return 2;
  }
  if (typeof globalThis.gc !== 'function')
    console.error('soak: run node with --expose-gc (npm run soak does): memory numbers include garbage');
  console.log(
    `soak: ${options.hosts} hosts × ${options.cycles} cycles, -f ${options.forks}; ${os.cpus().length} CPUs, node ${process.version}, load average ${load()}`,
  );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cf-soak-'));
  try {
    return (await soak(options, dir)) ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const code = await entry();
// a handle left open by a leak must not keep the soak from reporting: exit once stdout is flushed
process.stdout.write('', () => process.exit(code));
