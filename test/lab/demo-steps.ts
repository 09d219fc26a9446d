/**
 * Pieces of `npm run demo` (test/lab/demo.ts): build the CLI when stale, run one command with its line printed
 * first, and stage the symptom on lab hosts through the lab's stand-ins. Kept apart so demo.ts reads as the story.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Lab } from './lab.js';
import { hostPathsFor, knobMountPoints, labPathsFor } from './layout.js';
import { machineStatLayout, renderStatFile } from './stat-standin.js';

/** The lab's stand-in max (test/lab/host-files.ts) — what a stock kernel with 16 GiB would pick, roughly. */
export const labDefaultMax = 65536;

/** Newest mtime (ms) of any file under dir, recursively; 0 when dir is missing. */
function newestMtimeMs(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(file) : statSync(file).mtimeMs);
  }
  return newest;
}

/** True when dist/cli/main.js is missing or older than a file under src/ (so `npm run build` is due). */
export function buildIsStale(repoDir: string): boolean {
  const main = path.join(repoDir, 'dist', 'cli', 'main.js');
  if (!existsSync(main)) return true;
  return newestMtimeMs(path.join(repoDir, 'src')) > statSync(main).mtimeMs;
}

/** `npm run build` in repoDir, output shown; returns its exit code. */
export function runBuild(repoDir: string): number {
  const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: repoDir, stdio: 'inherit' });
  return result.status ?? 1;
}

/** What one command did: its exit code, or the signal that ended it. */
export interface CommandEnd {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Runs `command args` with the terminal as its stdout/stderr, in its own process group so a terminal Ctrl-C reaches
 * the demo alone and is forwarded ONCE (a second SIGINT would make the CLI stop without finishing its rollback).
 * `onChild` gets the child so an interrupt can be forwarded.
 */
export function runShown(
  command: string,
  args: string[],
  cwd: string,
  onChild: (child: ChildProcess | null) => void,
): Promise<CommandEnd> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
    onChild(child);
    child.on('error', (error) => {
      onChild(null);
      reject(error);
    });
    child.on('close', (exitCode, signal) => {
      onChild(null);
      resolve({ exitCode, signal });
    });
  });
}

/** A shell-like rendering of a command line for the "what I'm doing" lines (quotes only where needed). */
export function shellLine(words: string[]): string {
  return words.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * The symptom on one host: count at `usagePercent` of the stand-in max, and `drops` added to the stat stand-in's
 * `drop` column in two steps (the counter rises, as it does while the kernel logs "table full, dropping packet").
 * Returns the count written.
 */
export async function makeTableFull(lab: Lab, host: string, usagePercent: number, drops: number): Promise<number> {
  const count = Math.ceil((labDefaultMax * usagePercent) / 100);
  const result = await lab.exec(host, `echo ${count} > ${knobMountPoints.count}`);
  if (result.exitCode !== 0) throw new Error(`${host}: could not set the count stand-in: ${result.stderr.trim()}`);
  const firstDrops = Math.floor(drops / 3);
  await lab.addDrops(host, firstDrops);
  await lab.addDrops(host, drops - firstDrops);
  return count;
}

/**
 * Zeroes a host's loss counters (the stat stand-in rewritten with every counter 0 but `entries`). The kernel's
 * counters only grow until the next boot; the demo stands for "later, they stopped rising" this way.
 */
export async function clearDropCounters(lab: Lab, host: string, count: number): Promise<void> {
  const statFile = hostPathsFor(labPathsFor(lab.dir), host).statFile;
  await writeFile(statFile, renderStatFile(machineStatLayout(), count));
}
