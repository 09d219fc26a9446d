/**
 * Controller CPU of `watch` against lab hosts (real sshd on 127.0.0.1):
 *   npx tsx test/bench/watch.bench.ts [HOSTS] [INTERVAL] [json|tty]      default: 100 hosts, 2s, json
 * json: runs `watch -o json` (stdout is a pipe), waits until every host answered twice (connections made, rates
 * known). tty: runs it under script(1) on a 50×160 pseudo-terminal (the live view) and waits 20 s instead.
 * Then reads the watch process's CPU time (utime + stime from /proc/PID/stat) over one steady minute.
 * Prints one line; asserts nothing and is not part of `npm test`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { labSkipReason, startLab } from '../lab/lab.js';
import { repoDir } from '../integration/run-cli.js';

const hosts = Number(process.argv[2] ?? 100);
const interval = process.argv[3] ?? '2s';
const mode = process.argv[4] === 'tty' ? 'tty' : 'json';
const windowMs = 60_000;
const clockTicks = 100; // USER_HZ on Linux

function cpuSeconds(pid: number): number {
  // fields after the ")" of comm: state is field 3, utime 14, stime 15
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

async function main(): Promise<void> {
  const skip = labSkipReason();
  if (skip) return console.log(`skipped: ${skip}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cf-watch-bench-'));
  const lab = await startLab({ count: hosts, dir: path.join(dir, 'lab'), portBase: 29500 });
  try {
    const watchArgs = ['--import', 'tsx', 'src/cli/main.ts', 'watch', '-i', lab.inventoryFile, '--interval', interval];
    if (mode === 'tty') return await benchTty(watchArgs);
    const child = spawn(process.execPath, [...watchArgs, '-o', 'json'], {
      cwd: repoDir,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const answers = new Map<string, number>();
    let lines = 0;
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines += 1;
        const { host, up } = JSON.parse(line) as { host: string; up: boolean };
        if (up) answers.set(host, (answers.get(host) ?? 0) + 1);
      }
    });
    const warmStart = Date.now();
    while ([...answers.values()].filter((n) => n >= 2).length < hosts) {
      if (Date.now() - warmStart > 300_000) throw new Error(`only ${answers.size} hosts answered`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const warmMs = Date.now() - warmStart;
    const cpuBefore = cpuSeconds(child.pid ?? 0);
    const linesBefore = lines;
    await new Promise((r) => setTimeout(r, windowMs));
    const cpu = cpuSeconds(child.pid ?? 0) - cpuBefore;
    child.kill('SIGINT');
    const code = await new Promise((r) => child.on('close', r));
    console.log(
      `${hosts} hosts, interval ${interval}: ${cpu.toFixed(2)} CPU s per minute of watching ` +
        `(${lines - linesBefore} samples in the minute; all hosts answering twice after ${warmMs} ms; exit ${String(code)})`,
    );
  } finally {
    await lab.down();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The live view on a pseudo-terminal: script(1) runs the shell that execs node, so node is script's child. */
async function benchTty(watchArgs: string[]): Promise<void> {
  const command = `stty rows 50 cols 160; exec ${[process.execPath, ...watchArgs].map((a) => `'${a}'`).join(' ')}`;
  const child = spawn('script', ['-qfc', command, '/dev/null'], { cwd: repoDir, stdio: ['pipe', 'ignore', 'inherit'] });
  let bytes = 0;
  await new Promise((r) => setTimeout(r, 20_000));
  const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .map(Number);
  const node = children[0] ?? 0;
  const cpuBefore = cpuSeconds(node);
  const ioBefore = Number(/wchar: (\d+)/.exec(readFileSync(`/proc/${node}/io`, 'utf8'))?.[1] ?? 0);
  await new Promise((r) => setTimeout(r, windowMs));
  const cpu = cpuSeconds(node) - cpuBefore;
  bytes = Number(/wchar: (\d+)/.exec(readFileSync(`/proc/${node}/io`, 'utf8'))?.[1] ?? 0) - ioBefore;
  process.kill(node, 'SIGINT');
  const code = await new Promise((r) => child.on('close', r));
  console.log(
    `${hosts} hosts, interval ${interval}, live view on a 50×160 terminal: ${cpu.toFixed(2)} CPU s per minute ` +
      `(${(bytes / 1024).toFixed(0)} KiB written in the minute; exit ${String(code)})`,
  );
}

await main();
