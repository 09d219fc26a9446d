/**
 * CPU seconds the whole machine spent while a row ran: every process, the lab hosts' sshd, shells and tools
 * included (they are namespaces on the controller's cores). From /proc/stat's aggregate `cpu` line (proc(5)):
 * user, nice, system, irq, softirq and steal ticks, in USER_HZ (100 on Linux); idle and iowait are not busy.
 * With the row's wall time it says whether the row was bound by the machine's CPUs (busy ≈ wall × cores).
 */
import { readFileSync } from 'node:fs';

const userHz = 100;

/** Busy ticks of the `cpu` line of /proc/stat text; NaN when there is none. Pure. */
export function busyTicks(procStat: string): number {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return Number.NaN;
  // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user already)
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return [user, nice, system, irq, softirq, steal].reduce<number>((sum, n) => sum + (n ?? 0), 0);
}

/** Runs `work` and returns its value with the machine's busy CPU seconds meanwhile (NaN without /proc/stat). */
export async function withMachineCpu<T>(work: () => Promise<T>): Promise<{ value: T; machineCpuS: number }> {
  const read = (): number => {
    try {
      return busyTicks(readFileSync('/proc/stat', 'utf8'));
    } catch {
      return Number.NaN;
    }
  };
  const before = read();
  const value = await work();
  return { value, machineCpuS: (read() - before) / userHz };
}
