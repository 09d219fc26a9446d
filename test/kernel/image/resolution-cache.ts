/** Remembers what apt resolved until apt's package lists or the pins change: apt-cache costs seconds per call. */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const aptListsDir = '/var/lib/apt/lists';

async function listsFingerprint(): Promise<string> {
  const names = (await readdir(aptListsDir).catch(() => [])).filter((name) => name.endsWith('_Packages')).sort();
  const parts = await Promise.all(
    names.map(async (name) => {
      const info = await stat(join(aptListsDir, name));
      return `${name} ${info.size} ${info.mtimeMs}`;
    }),
  );
  return parts.join('\n');
}

/** Runs COMPUTE only when no result is stored for these pins and these apt lists. */
export async function resolveCached<T>(cacheDir: string, pinsFile: string, compute: () => Promise<T>): Promise<T> {
  const hash = createHash('sha256');
  hash.update(await readFile(pinsFile));
  hash.update(await listsFingerprint());
  const file = join(cacheDir, 'resolved', `${hash.digest('hex').slice(0, 16)}.json`);
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as T;
  const result = await compute();
  await mkdir(join(cacheDir, 'resolved'), { recursive: true });
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
