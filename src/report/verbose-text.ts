/** Remote text made safe to print: secrets redacted, control characters escaped (never obeyed by the terminal). */
import { escapeControl } from '../config/escape.js';

export const redactedMark = '********';

/**
 * A redactor over a set that may grow during the run (a -K password is known only once asked for). Each secret
 * is replaced wherever it appears; empty strings are ignored.
 */
export function createRedactor(secrets: Set<string>): (text: string) => string {
  return (text) => {
    let result = text;
    for (const secret of secrets) if (secret !== '') result = result.split(secret).join(redactedMark);
    return result;
  };
}

/** Multi-line remote text as escaped lines; a trailing newline adds no empty line. */
export function safeLines(text: string, redact: (text: string) => string): string[] {
  const lines = redact(text)
    .replace(/\r?\n$/, '')
    .split('\n');
  return text === '' ? [] : lines.map((line) => escapeControl(line.replace(/\r$/, '')));
}
