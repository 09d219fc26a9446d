/** Runs a script the way a Connection does (`SHELL -s`, script on stdin), locally, for tests. */
import { spawn, spawnSync } from 'node:child_process';
import type { ExecResult } from '../../src/transport/connection.js';

export function runScriptLocally(script: string, argv: string[] = ['sh', '-s']): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const [command = 'sh', ...args] = argv;
    const startedMs = performance.now();
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    // a shell that exits early closes its stdin; the exit status tells the story
    child.stdin.on('error', () => undefined);
    child.on('close', (exitCode, signal) =>
      resolve({
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        exitCode,
        signal,
        timedOut: false,
        durationMs: Math.round(performance.now() - startedMs),
      }),
    );
    child.stdin.end(script);
  });
}

export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export function runOrThrow(argv: string[]): void {
  const [command = 'true', ...args] = argv;
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${argv.join(' ')} failed: ${result.stderr}`);
}

/** A fresh network namespace for one test file; `remove` deletes it. */
export function createNetns(tag: string): { name: string; remove: () => void } {
  const name = `cf-facts-${tag}-${process.pid}`;
  runOrThrow(['ip', 'netns', 'add', name]);
  return { name, remove: () => spawnSync('ip', ['netns', 'del', name]) };
}
