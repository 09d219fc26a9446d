/** Where builds are cached, and the content key that names one image. */
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';

/** ~/.cache/conntrack-fleet, or CONNTRACK_FLEET_CACHE. */
export function cacheRoot(): string {
  return (
    process.env.CONNTRACK_FLEET_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'conntrack-fleet')
  );
}

async function listFilesSorted(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}

/** Hash of everything that shapes the image: the build code and guest files, the package versions, the client key. */
export async function computeImageKey(sourceDir: string, facts: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await listFilesSorted(sourceDir)) {
    hash.update(`file ${relative(sourceDir, file)}\n`);
    hash.update(await readFile(file));
  }
  for (const fact of facts) hash.update(`fact ${fact}\n`);
  return hash.digest('hex').slice(0, 16);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes half-built images of dead processes and all but the newest KEEP finished images (each is ~130 MB). */
export async function pruneImages(imagesDir: string, keep: number): Promise<void> {
  const entries = await readdir(imagesDir, { withFileTypes: true }).catch(() => []);
  const finished: { path: string; mtimeMs: number }[] = [];
  for (const entry of entries.filter((e) => e.isDirectory())) {
    const path = join(imagesDir, entry.name);
    const partial = /\.partial-(\d+)$/.exec(entry.name);
    if (partial) {
      if (!isAlive(Number(partial[1]))) await rm(path, { recursive: true, force: true });
      continue;
    }
    finished.push({ path, mtimeMs: (await stat(path)).mtimeMs });
  }
  finished.sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const old of finished.slice(keep)) await rm(old.path, { recursive: true, force: true });
}
