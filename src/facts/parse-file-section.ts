/** Turns one `file` section of the gather output into a FileState. Pure. */
import type { FileState } from './types.js';

export type FileReading =
  | { kind: 'present'; state: FileState }
  | { kind: 'absent' }
  /** Exists but could not be snapshotted; the reason goes to `problems`. */
  | { kind: 'unknown'; reason: string };

const reasons: Record<string, string> = {
  unreadable: 'cannot be read',
  'not-a-file': 'is not a regular file',
  'no-stat': 'has no readable mode/owner (stat failed)',
};

function parseMeta(text: string): Omit<FileState, 'contentBase64'> | null {
  const match = /^([0-7]{1,4}) (\d+) (\d+)$/.exec(text.trim());
  if (!match) return null;
  return { mode: Number.parseInt(match[1] ?? '', 8), uid: Number(match[2]), gid: Number(match[3]) };
}

/** Normalised base64 of the content from a `base64 X` or `hex X` line, or null. */
function parseContent(line: string): string | null {
  if (line.startsWith('base64 ') || line === 'base64') {
    const text = line.slice(7).trim();
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
    return Buffer.from(text, 'base64').toString('base64');
  }
  if (line.startsWith('hex ') || line === 'hex') {
    const text = line.slice(4).trim();
    if (!/^([0-9a-f]{2})*$/i.test(text)) return null;
    return Buffer.from(text, 'hex').toString('base64');
  }
  return null;
}

export function parseFileSection(lines: string[]): FileReading {
  const [first = '', second = ''] = lines;
  if (first === 'absent') return { kind: 'absent' };
  const reason = reasons[first];
  if (reason) return { kind: 'unknown', reason };
  const meta = first.startsWith('meta ') ? parseMeta(first.slice(5)) : null;
  const contentBase64 = parseContent(second);
  if (!meta || contentBase64 === null) return { kind: 'unknown', reason: 'was not snapshotted (unexpected output)' };
  return { kind: 'present', state: { contentBase64, ...meta } };
}
