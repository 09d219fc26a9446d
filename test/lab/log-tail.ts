/** The last lines of a lab log file, for error messages. */
import { readFileSync } from 'node:fs';

export function readLogTail(file: string, lineCount = 5): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lineCount).join(' | ') || '(empty log)';
  } catch {
    return '(no log)';
  }
}
