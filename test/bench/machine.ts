/** The machine and tool versions a benchmark ran with, for its JSON file (synchronous: read once per run). */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function firstLine(command: string, args: string[], cwd?: string): string | null {
  try {
    const result = execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return result.trim().split('\n')[0] ?? null;
  } catch (error) {
    // ssh -V prints to stderr and exits 0; anything else failing means "not installed"
    const stderr = (error as { stderr?: string }).stderr;
    return stderr ? (stderr.trim().split('\n')[0] ?? null) : null;
  }
}

/** `ssh -V` writes its version to stderr. */
function openSshVersion(): string | null {
  try {
    return execFileSync('sh', ['-c', 'ssh -V 2>&1'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

export function machineInfo(): object {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    model: cpus[0]?.model ?? null,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    pidMax: Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8')),
  };
}

export function versionsInfo(repoDir: string): object {
  const ssh2 = JSON.parse(readFileSync(path.join(repoDir, 'node_modules', 'ssh2', 'package.json'), 'utf8')) as {
    version: string;
  };
  return {
    node: process.version,
    ssh2: ssh2.version,
    openssh: openSshVersion(),
    ansible: firstLine('ansible-playbook', ['--version']),
    conntrackFleet: firstLine('git', ['describe', '--always', '--dirty'], repoDir),
  };
}

/** `uptime`-style load averages, 1/5/15 min. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

/** Processes on the machine now (each lab host holds 2, each open connection about 4 more while it lasts). */
export function processCount(): number {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).length;
}
