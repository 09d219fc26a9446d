/**
 * Wall-clock benchmark of the real CLI against lab hosts (real sshd on 127.0.0.1):
 *   npm run bench -- [HOSTS ...]          default: 1 10 30
 * For each fleet size: `check`, `run --check`, a full tune (one batch, no soak) and a second, no-op tune.
 *   npm run bench -- output [HOSTS ...]   default: 30 100 (BENCH_ROUNDS=N rounds, default 2)
 * What output costs: `run playbooks/tune.yaml --check` with the live tree (forced pty, see output.bench.ts) vs plain.
 *   npm run bench -- render [HOSTS ...]   default: 30 100 1000; no lab: the reporters alone on synthetic events (render.bench.ts)
 * Prints one line per measurement; it asserts nothing and is not part of `npm test`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { labSkipReason, startLab } from '../lab/lab.js';
import { runCli } from '../integration/run-cli.js';
import { benchOutput } from './output.bench.js';
import { benchRender } from './render.bench.js';

const mode = process.argv[2] === 'output' || process.argv[2] === 'render' ? process.argv[2] : 'fleet';
const sizes = process.argv.slice(mode === 'fleet' ? 2 : 3).map(Number).filter((n) => n > 0);
const playbook = ['hosts: all', 'steps:', '  - check_count: {}', '  - raise_max: {value: 262144}', '  - set_hashsize: {value: max/4}',
  '  - set_timeouts: {tcp_timeout_established: 86400, tcp_timeout_time_wait: 90}', '  - persist: {}', ''].join('\n');

async function timed(label: string, hosts: number, args: string[]): Promise<void> {
  const started = process.hrtime.bigint();
  const result = await runCli(args, { timeoutMs: 600_000 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const perHost = (ms / hosts).toFixed(1);
  console.log(`${String(hosts).padStart(4)} hosts  ${label.padEnd(14)} ${ms.toFixed(0).padStart(7)} ms  (${perHost} ms/host)  exit ${result.exitCode}`);
  if (result.exitCode !== 0) console.log(result.stdout.slice(-2000), result.stderr.slice(-2000));
}

async function benchSize(hosts: number): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cf-bench-'));
  const lab = await startLab({ count: hosts, dir: path.join(dir, 'lab'), portBase: 27000 });
  try {
    const book = path.join(dir, 'tune.yaml');
    writeFileSync(book, playbook);
    const common = ['-i', lab.inventoryFile, '-o', 'json', '-f', '20'];
    await timed('check', hosts, ['check', ...common]);
    await timed('run --check', hosts, ['run', book, ...common, '--check']);
    await timed('run (changes)', hosts, ['run', book, ...common]);
    await timed('run (no-op)', hosts, ['run', book, ...common]);
  } finally {
    await lab.down();
    rmSync(dir, { recursive: true, force: true });
  }
}

const skip = labSkipReason();
if (mode === 'render') {
  for (const hosts of sizes.length > 0 ? sizes : [30, 100, 1000]) await benchRender(hosts);
} else if (skip) {
  console.log(`bench skipped: ${skip}`);
} else {
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`);
  if (mode === 'output') for (const hosts of sizes.length > 0 ? sizes : [30, 100]) await benchOutput(hosts);
  else for (const hosts of sizes.length > 0 ? sizes : [1, 10, 30]) await benchSize(hosts);
}
