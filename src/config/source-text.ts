/** A user's input file as text: read once, decoded as strict UTF-8, every failure an InputError at FILE:LINE:COL. */
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { decodeUtf8 } from './utf8.js';

/** The text of `file`; a missing or unreadable file is an InputError at FILE:1:1 saying what was `expected`. */
export function readSourceText(file: string, what: string, expected = 'a readable YAML file'): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? cause})`;
    throw new InputError(`${what} ${problem}; expected ${expected}`, { file, line: 1, col: 1 }, { cause });
  }
  const decoded = decodeUtf8(bytes);
  if ('text' in decoded) return decoded.text;
  throw notUtf8(file, what, bytes, decoded.badOffset);
}

/** The position of a bad byte: its line, and its column counted in characters of the valid text before it. */
function notUtf8(file: string, what: string, bytes: Buffer, offset: number): InputError {
  const before = bytes.subarray(0, offset).toString('utf8');
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.split('\n').length;
  const col = before.length - lineStart + 1;
  const byte = (bytes[offset] ?? 0).toString(16).padStart(2, '0');
  return new InputError(`${what} is not valid UTF-8: byte 0x${byte} at byte offset ${offset}; expected UTF-8 text`, {
    file,
    line,
    col,
  });
}
