/**
 * Writes a text file so a reader never sees half of it (node_exporter's textfile collector, a playbook someone is
 * about to run): temp file in the same directory, fsync, then rename(2) over the target.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errorMessage } from '../errors.js';

/** Throws an Error naming the file and the cause (ENOENT, EACCES …); the temp file is removed on failure. */
export async function writeTextFileAtomic(path: string, text: string, mode = 0o644): Promise<void> {
  // same directory as the target, so rename stays atomic (no cross-filesystem move)
  const tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(tempPath, 'wx', mode);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tempPath, path);
  } catch (error) {
    await rm(tempPath, { force: true });
    throw new Error(`cannot write ${path}: ${errorMessage(error)}`, { cause: error });
  }
}
