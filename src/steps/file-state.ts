/** FileState helpers. Text is handled as latin1 so every byte survives an edit unchanged. */
import { createHash } from 'node:crypto';
import type { FileState } from '../facts/types.js';
import type { Change } from './types.js';

export const newFileMode = 0o644;

/** The file's bytes as a string of one char per byte (lossless, unlike UTF-8 decoding). */
export function readBytesText(state: FileState | null): string {
  return state === null ? '' : Buffer.from(state.contentBase64, 'base64').toString('latin1');
}

/** For display only: the bytes decoded as UTF-8. */
export function readDisplayText(state: FileState | null): string {
  return state === null ? '' : Buffer.from(state.contentBase64, 'base64').toString('utf8');
}

/** New content with the mode and owner of `like`; new files get 0644 root:root. */
export function stateWithText(text: string, like: FileState | null): FileState {
  return {
    contentBase64: Buffer.from(text, 'latin1').toString('base64'),
    mode: like?.mode ?? newFileMode,
    uid: like?.uid ?? 0,
    gid: like?.gid ?? 0,
  };
}

export function sha256OfState(state: FileState): string {
  return createHash('sha256').update(Buffer.from(state.contentBase64, 'base64')).digest('hex');
}

/** A file change that writes `text`, or null when the file already holds exactly that. */
export function planFileChange(path: string, before: FileState | null, text: string): Change | null {
  if (before !== null && readBytesText(before) === text) return null;
  return { kind: 'file', path, before, after: stateWithText(text, before) };
}

/** Permission bits as chmod and stat print them, e.g. 644. */
export function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8);
}
