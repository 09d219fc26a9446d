/** Turns one `file` section of the gather output into a FileState. Pure. */
import { decodeLinkTokens } from './link-chain-sh.js';
import type { FileLink, FileState } from './types.js';

export type FileReading =
  | { kind: 'present'; state: FileState }
  | { kind: 'absent' }
  /** Exists but could not be snapshotted; the reason goes to `problems`. */
  | { kind: 'unknown'; reason: string };

const reasons: Record<string, string> = {
  unreadable: 'cannot be read',
  'not-a-file': 'is not a regular file',
  directory: 'is a directory, not a file',
  'link-loop': 'is a symlink loop (more than 40 links): refusing to write through it',
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

interface LinkLines {
  links: FileLink[];
  realPath: string;
  rest: string[];
}

/** Leading `link HEX=HEX` lines and the `real HEX` line after them; null when they are malformed. */
function parseLinkLines(lines: string[]): LinkLines | null {
  const linkLines = lines.filter((line) => line.startsWith('link '));
  const links = decodeLinkTokens(linkLines.map((line) => line.slice(5)));
  const realLine = lines[linkLines.length] ?? '';
  if (!links || !/^real (?:[0-9a-f]{2})+$/.test(realLine)) return null;
  const realPath = Buffer.from(realLine.slice(5), 'hex').toString('utf8');
  return { links, realPath, rest: lines.slice(linkLines.length + 1) };
}

/** A link is written through only when it ends at a regular file: a dangling link or one to a directory is refused. */
function linkedReading(lines: string[]): FileReading {
  const parsed = parseLinkLines(lines);
  if (!parsed) return { kind: 'unknown', reason: 'was not snapshotted (unexpected symlink output)' };
  const { links, realPath, rest } = parsed;
  const first = rest[0] ?? '';
  const via = `is a symlink to ${realPath}`;
  if (first === 'absent')
    return { kind: 'unknown', reason: `${via}, which does not exist (dangling link): refusing to write through it` };
  if (first === 'directory')
    return { kind: 'unknown', reason: `${via}, which is a directory: refusing to write through it` };
  const reading = parsePlainSection(rest);
  if (reading.kind !== 'present')
    return reading.kind === 'unknown' ? { kind: 'unknown', reason: `${via}, which ${reading.reason}` } : reading;
  return { kind: 'present', state: { ...reading.state, links, realPath } };
}

function parsePlainSection(lines: string[]): FileReading {
  const [first = '', second = ''] = lines;
  if (first === 'absent') return { kind: 'absent' };
  const reason = reasons[first];
  if (reason) return { kind: 'unknown', reason };
  const meta = first.startsWith('meta ') ? parseMeta(first.slice(5)) : null;
  const contentBase64 = parseContent(second);
  if (!meta || contentBase64 === null) return { kind: 'unknown', reason: 'was not snapshotted (unexpected output)' };
  return { kind: 'present', state: { contentBase64, ...meta } };
}

/**
 * Section lines: [`link HEX=HEX`… `real HEX`] then `absent` | `directory` | `not-a-file` | `unreadable` | `no-stat` |
 * `link-loop` | `meta MODE UID GID` + `base64 …`/`hex …`. A symlinked path reads as the regular file at the end of
 * its chain, with `links` and `realPath` set.
 */
export function parseFileSection(lines: string[]): FileReading {
  return lines[0]?.startsWith('link ') ? linkedReading(lines) : parsePlainSection(lines);
}
