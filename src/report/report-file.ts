/** Writes the JSON run report so a reader never sees half a file (one atomic write path: atomic-file.ts). */
import { writeTextFileAtomic } from './atomic-file.js';
import type { RunReport } from './run-report.js';
import { stringifyJson } from '../config/escape.js';

/** Throws an Error naming the report file and the cause. */
export async function writeReportFile(path: string, report: RunReport): Promise<void> {
  await writeTextFileAtomic(path, `${stringifyJson(report)}\n`);
}
