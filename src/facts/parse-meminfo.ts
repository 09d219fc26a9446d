/** Reads MemTotal from /proc/meminfo. Pure. */

const unitBytes: Record<string, number> = { '': 1024, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** MemTotal in bytes (the kernel writes kB, meaning KiB), or null. */
export function parseMemTotalBytes(text: string): number | null {
  const match = /^MemTotal:\s*(\d+)\s*(\w*)\s*$/m.exec(text);
  if (!match) return null;
  const factor = unitBytes[(match[2] ?? '').toLowerCase()];
  return factor === undefined ? null : Number(match[1]) * factor;
}
