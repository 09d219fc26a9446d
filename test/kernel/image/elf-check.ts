/** Proves the root fs is self-contained: every NEEDED shared library of every ELF file in it is present. */
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runChecked } from './exec.js';

const libraryDirs = ['usr/lib/x86_64-linux-gnu', 'usr/lib64', 'usr/lib'];
const scannedDirs = ['usr/bin', 'usr/sbin', 'usr/lib/openssh', 'usr/lib/x86_64-linux-gnu'];

/** Pure: `readelf -d` output for several files → NEEDED sonames per file. */
export function parseNeeded(readelfOutput: string): Map<string, string[]> {
  const needed = new Map<string, string[]>();
  let current = '';
  for (const line of readelfOutput.split('\n')) {
    const file = /^File: (.+)$/.exec(line);
    if (file) {
      current = file[1]!;
      needed.set(current, []);
      continue;
    }
    const lib = /\(NEEDED\)\s+Shared library: \[(.+)\]/.exec(line);
    if (lib && current) needed.get(current)?.push(lib[1]!);
  }
  return needed;
}

/** Pure: `file needs soname` lines for sonames not available. */
export function findMissing(needed: ReadonlyMap<string, string[]>, available: ReadonlySet<string>): string[] {
  const missing: string[] = [];
  for (const [file, sonames] of needed) {
    for (const soname of sonames) if (!available.has(soname)) missing.push(`${file} needs ${soname}`);
  }
  return missing;
}

async function isElf(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return false;
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && head.toString('latin1') === '\x7fELF';
  } finally {
    await handle.close();
  }
}

async function listEntries(dir: string): Promise<{ name: string; path: string; isFile: boolean }[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.map((entry) => ({ name: entry.name, path: join(dir, entry.name), isFile: entry.isFile() }));
}

export async function checkSharedLibraries(root: string): Promise<{ filesChecked: number }> {
  const available = new Set<string>();
  for (const dir of libraryDirs) for (const entry of await listEntries(join(root, dir))) available.add(entry.name);
  const elfFiles: string[] = [];
  for (const dir of scannedDirs) {
    for (const entry of await listEntries(join(root, dir)))
      if (entry.isFile && (await isElf(entry.path))) elfFiles.push(entry.path);
  }
  const needed = new Map<string, string[]>();
  for (let i = 0; i < elfFiles.length; i += 200) {
    const chunk = elfFiles.slice(i, i + 200);
    const output = await runChecked('readelf', ['-d', '-W', ...chunk]);
    // readelf names the file only when given several.
    const named = chunk.length === 1 ? `File: ${chunk[0]}\n${output}` : output;
    for (const [file, sonames] of parseNeeded(named)) needed.set(file, sonames);
  }
  const missing = findMissing(needed, available);
  if (missing.length > 0) throw new Error(`the root fs lacks shared libraries:\n${missing.slice(0, 20).join('\n')}`);
  return { filesChecked: elfFiles.length };
}
