/**
 * Benchmarks against lab hosts (real sshd on 127.0.0.1); they print, assert nothing and are not part of `npm test`.
 *   npm run bench -- --hosts N [--hosts M …] [--rounds R] [-f FORKS] [--no-ansible]
 *     conntrack-fleet vs the ssh2 floor, OpenSSH, a hand-written script and Ansible (compare.bench.ts); default 20 hosts,
 *     3 rounds, forks = N. Bare numbers (`npm run bench -- 20 100`) are taken as --hosts.
 *   npm run bench -- output [HOSTS ...]   default: 30 100 (BENCH_ROUNDS=N rounds, default 2)
 *     What output costs: `run playbooks/tune.yaml --check` with the live tree (forced pty, see output.bench.ts) vs plain.
 *   npm run bench -- render [HOSTS ...]   default: 30 100 1000; no lab: the reporters alone on synthetic events (render.bench.ts)
 *   npm run bench -- watch [HOSTS] [INTERVAL] [json|tty]   controller CPU of `watch` (watch.bench.ts)
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { labSkipReason } from '../lab/lab.js';
import { benchCompare } from './compare.bench.js';
import { benchOutput } from './output.bench.js';
import { benchRender } from './render.bench.js';

const modes = ['output', 'render', 'watch'] as const;
type Mode = (typeof modes)[number] | 'compare';
const first = process.argv[2] ?? '';
const mode: Mode = (modes as readonly string[]).includes(first) ? (first as Mode) : 'compare';

function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${flag} takes a positive whole number, got ${JSON.stringify(value)}`);
  return n;
}

async function compare(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      hosts: { type: 'string', multiple: true },
      rounds: { type: 'string' },
      forks: { type: 'string', short: 'f' },
      'no-ansible': { type: 'boolean' },
    },
  });
  const sizes = [...(values.hosts ?? []), ...positionals]
    .flatMap((v) => v.split(','))
    .map((v) => positiveInt(v, '--hosts', 0));
  const rounds = positiveInt(values.rounds, '--rounds', 3);
  const forks = values.forks === undefined ? undefined : positiveInt(values.forks, '--forks', 0);
  for (const hosts of sizes.length > 0 ? sizes : [20])
    await benchCompare({ hosts, rounds, forks, ansible: !values['no-ansible'] });
}

const sizes = (): number[] =>
  process.argv
    .slice(3)
    .map(Number)
    .filter((n) => n > 0);
const skip = labSkipReason();
if (mode === 'render') {
  for (const hosts of sizes().length > 0 ? sizes() : [30, 100, 1000]) await benchRender(hosts);
} else if (skip) {
  console.log(`bench skipped: ${skip}`);
} else if (mode === 'watch') {
  process.argv.splice(2, 1); // watch.bench.ts reads its own arguments from argv[2…]
  await import('./watch.bench.js');
} else {
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  );
  if (mode === 'output') for (const hosts of sizes().length > 0 ? sizes() : [30, 100]) await benchOutput(hosts);
  else await compare(process.argv.slice(2));
}
