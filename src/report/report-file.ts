/** Writes the JSON run report so a reader never sees half a file: temp file in the same directory, then rename. */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errorMessage } from '../errors.js';
import type { RunReport } from './run-report.js';
import { stringifyJson } from '../config/escape.js';

export async function writeReportFile(path: string, report: RunReport): Promise<void> {
  // same directory as the target, so rename stays atomic (no cross-filesystem move)
  const tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(tempPath, 'wx', 0o644);
    try {
      await handle.writeFile(`${stringifyJson(report)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tempPath, path);
  } catch (error) {
    await rm(tempPath, { force: true });
    throw new Error(`cannot write report ${path}: ${errorMessage(error)}`, { cause: error });
  }
}
