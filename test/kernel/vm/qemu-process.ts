/** The QEMU process of one VM: started so it cannot outlive the test process, stopped politely, then firmly. */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findExecutable } from './host-tools.js';

const running = new Set<ChildProcess>();
const spawnErrors = new WeakMap<ChildProcess, Error>();
// A test that throws must not leave QEMU running after the test process ends.
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));
// A test process killed by a signal runs no exit handler: the kernel then kills QEMU (parent-death signal).
const setpriv = findExecutable('setpriv');

export function spawnQemu(args: string[], logFile: string): ChildProcess {
  const log = openSync(logFile, 'a');
  const [command, prefix] = setpriv
    ? [setpriv, ['--pdeathsig', 'KILL', 'qemu-system-x86_64']]
    : ['qemu-system-x86_64', []];
  const child = spawn(command, [...prefix, ...args], { stdio: ['ignore', log, log] });
  closeSync(log);
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.once('error', (error) => spawnErrors.set(child, error));
  return child;
}

export function exitReason(child: ChildProcess, dir: string): string | null {
  const spawnError = spawnErrors.get(child);
  if (spawnError) return `cannot start QEMU: ${spawnError.message}`;
  if (child.exitCode === null && child.signalCode === null) return null;
  return `QEMU exited (${child.exitCode ?? child.signalCode}): ${readLog(join(dir, 'qemu.log')).trim().slice(-500)}`;
}

export async function killQemu(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || spawnErrors.has(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

function readLog(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}
