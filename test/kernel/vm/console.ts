/** Pure: what the serial console tells about the guest's boots; I/O: keeping a copy of each VM's console. */
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** The guest's rcS prints this when sshd runs: one line per completed boot. */
export const readyMarker = 'ctf-boot: ready after ';

export function countBoots(consoleText: string): number {
  return consoleText.split('\n').filter((line) => line.includes(readyMarker)).length;
}

/** A reason the guest will never come up, or null. */
export function findFatalLine(consoleText: string): string | null {
  const line = consoleText.split('\n').find((text) => /Kernel panic|ctf-initramfs: cannot mount/.test(text));
  return line ? line.trim() : null;
}

/** Stage lines of the last boot, e.g. `stage apply_sysctl done at 3.06s → 3.94s`. */
export function lastBootLines(consoleText: string): string[] {
  const lines = consoleText.split('\n').map((line) => line.trim());
  const start = lines.map((line) => line.startsWith('ctf-boot: boot ')).lastIndexOf(true);
  return start < 0 ? [] : lines.slice(start).filter((line) => line.startsWith('ctf-boot: '));
}

const keptLogs = 40;

/** Copies the console to LOG_DIR/NAME.log and keeps only the newest logs there. */
export async function keepConsoleLog(consoleFile: string, logDir: string, name: string): Promise<string> {
  await mkdir(logDir, { recursive: true });
  const target = join(logDir, `${name}.log`);
  await copyFile(consoleFile, target).catch(() => undefined);
  const logs = (await readdir(logDir)).filter((file) => file.endsWith('.log')).sort();
  for (const old of logs.slice(0, Math.max(0, logs.length - keptLogs))) await rm(join(logDir, old), { force: true });
  return target;
}
