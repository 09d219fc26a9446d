/**
 * The cost of output: the same `run playbooks/tune.yaml --check` against the same lab hosts, once with the live tree
 * on a 120×40 pseudo-terminal and once with plain lines into a pipe, alternating, each under /usr/bin/time.
 * Reports wall time, controller CPU (user+sys of the CLI process) and the summary line (so an unreachable host
 * caused by a starved event loop shows). Asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoDir } from '../integration/run-cli.js';
import { startLabFleet } from './lab-fleet.js';
import { runCliTimed, stripTerminal, type TimedCliResult } from './tty-cli.js';

/** BENCH_ROUNDS=N for steadier medians on a busy machine. */
const rounds = Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 2) || 2);
const tty = { columns: 120, rows: 40 };

function lastLine(result: TimedCliResult): string {
  return stripTerminal(result.stdout).trimEnd().split('\n').at(-1) ?? '';
}

function report(hosts: number, mode: string, result: TimedCliResult): { wallMs: number; cpuMs: number } {
  const cpuMs = result.cpu ? result.cpu.userMs + result.cpu.sysMs : Number.NaN;
  const cpu = result.cpu
    ? `cpu ${cpuMs.toFixed(0).padStart(6)} ms (user ${result.cpu.userMs.toFixed(0)} + sys ${result.cpu.sysMs.toFixed(0)})`
    : 'cpu ?';
  console.log(
    `${String(hosts).padStart(4)} hosts  ${mode.padEnd(5)} wall ${result.wallMs.toFixed(0).padStart(6)} ms  ${cpu}  exit ${result.exitCode}  | ${lastLine(result)}`,
  );
  return { wallMs: result.wallMs, cpuMs };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

export async function benchOutput(hosts: number): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cf-bench-output-'));
  const lab = await startLabFleet(hosts, dir, 28500); // clear of the other bench (27000) and the tests (24000-26900)
  try {
    const args = ['run', path.join(repoDir, 'playbooks', 'tune.yaml'), '-i', lab.inventoryFile, '--check'];
    const runs: Record<'tree' | 'plain', { wallMs: number; cpuMs: number }[]> = { tree: [], plain: [] };
    for (let round = 0; round < rounds; round++) {
      runs.plain.push(report(hosts, 'plain', await runCliTimed(args, { measureCpu: true })));
      runs.tree.push(report(hosts, 'tree', await runCliTimed(args, { measureCpu: true, tty })));
    }
    const [tree, plain] = [runs.tree, runs.plain].map((r) => ({
      wallMs: median(r.map((x) => x.wallMs)),
      cpuMs: median(r.map((x) => x.cpuMs)),
    }));
    if (!tree || !plain) return;
    const ratio = (a: number, b: number): string => (a / b).toFixed(2);
    console.log(
      `${String(hosts).padStart(4)} hosts  median of ${rounds}: tree/plain wall ${ratio(tree.wallMs, plain.wallMs)}x, cpu ${ratio(tree.cpuMs, plain.cpuMs)}x`,
    );
  } finally {
    await lab.down();
    rmSync(dir, { recursive: true, force: true });
  }
}
