/** Process bookkeeping by PID: identity (start time), namespace membership, killing and waiting. */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** USER_HZ: the unit of /proc/PID/stat start times (100 on every Linux architecture Node supports). */
const clockTicksPerSecond = 100;

export interface ProcessRef {
  pid: number;
  /** Field 22 of /proc/PID/stat (clock ticks since boot): tells a live process from a reused PID. */
  startTime: string;
}

function readStat(pid: number): { state: string; parentPid: number; startTime: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses; fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', parentPid: Number(fields[1]), startTime: fields[19] ?? '' };
  } catch {
    return null;
  }
}

export function refOf(pid: number): ProcessRef | null {
  const stat = readStat(pid);
  return stat ? { pid, startTime: stat.startTime } : null;
}

/** True while the very process of `ref` runs (a zombie counts as gone). */
export function isRunning(ref: ProcessRef): boolean {
  const stat = readStat(ref.pid);
  return stat !== null && stat.startTime === ref.startTime && stat.state !== 'Z';
}

export function namespaceId(pid: number, kind: 'mnt' | 'net' | 'uts'): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/${kind}`);
  } catch {
    return null;
  }
}

/** Every process whose namespace of `kind` is `id` (as read from /proc/PID/ns/KIND). */
export function listNamespaceMembers(id: string, kind: 'mnt' | 'net' | 'uts'): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => namespaceId(pid, kind) === id);
}

export function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Waits until /proc/PID is gone, or is a zombie someone else will reap (our own children are reaped by Node). */
export async function waitForExit(pid: number, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stat = readStat(pid);
    if (stat === null || (stat.state === 'Z' && stat.parentPid !== process.pid)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(10);
  }
}

/**
 * Kills every process in the mount namespace `mntId` until none is left (a connection accepted just
 * before may still enter it), then waits for them to exit.
 */
export async function killNamespaceMembers(mntId: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Once the last member dies, the kernel may hand the same namespace id to a namespace another lab creates
  // meanwhile (seen with several labs starting and stopping at once): later passes spare processes born after this.
  const bornBy = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * clockTicksPerSecond + 1;
  for (;;) {
    const members = listNamespaceMembers(mntId, 'mnt').filter((pid) => Number(readStat(pid)?.startTime ?? 0) <= bornBy);
    if (members.length === 0) return;
    if (Date.now() > deadline) throw new Error(`processes ${members.join(', ')} did not leave namespace ${mntId}`);
    for (const pid of members) signalPid(pid, 'SIGKILL');
    await Promise.all(members.map((pid) => waitForExit(pid, 1000)));
  }
}
