/** Run ids sort by time and are safe in file names: 20261126T173501Z-3f9a. */
import { randomBytes } from 'node:crypto';

export function newRunId(now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}
