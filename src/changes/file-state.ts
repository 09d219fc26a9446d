/** FileState helpers. Text is handled as latin1 so every byte survives an edit unchanged. */
import { createHash } from 'node:crypto';
import type { FileLink, FileState } from '../facts/types.js';
import type { Change } from './change.js';

export const newFileMode = 0o644;

/** The file's bytes as a string of one char per byte (lossless, unlike UTF-8 decoding). */
export function readBytesText(state: FileState | null): string {
  return state === null ? '' : Buffer.from(state.contentBase64, 'base64').toString('latin1');
}

/** For display only: the bytes decoded as UTF-8. */
export function readDisplayText(state: FileState | null): string {
  return state === null ? '' : Buffer.from(state.contentBase64, 'base64').toString('utf8');
}

/** New content with the mode, owner and symlinks of `like` (the link is kept, its target edited); new files get 0644 root:root. */
export function stateWithText(text: string, like: FileState | null): FileState {
  const state: FileState = {
    contentBase64: Buffer.from(text, 'latin1').toString('base64'),
    mode: like?.mode ?? newFileMode,
    uid: like?.uid ?? 0,
    gid: like?.gid ?? 0,
  };
  if (like?.links && like.links.length > 0) Object.assign(state, { links: like.links, realPath: like.realPath });
  return state;
}

export type FileType = 'missing' | 'regular' | 'symlink';

/** missing (null), symlink (a chain to a regular file) or regular; journals written before links were recorded read as regular. */
export function fileTypeOf(state: FileState | null | undefined): FileType {
  if (!state) return 'missing';
  return linksOf(state).length > 0 ? 'symlink' : 'regular';
}

export function linksOf(state: FileState | null | undefined): FileLink[] {
  return state?.links ?? [];
}

/** The regular file a state's content lives in: the chain's canonical end, else the path itself. */
export function realPathOf(path: string, state: FileState | null | undefined): string {
  return linksOf(state).length > 0 ? (state?.realPath ?? path) : path;
}

/** For messages, plans and diffs: `/etc/sysctl.conf -> /etc/sysctl.d/99-sysctl.conf`, or just the path. */
export function displayPath(path: string, state: FileState | null | undefined): string {
  const real = realPathOf(path, state);
  return real === path ? path : `${path} -> ${real}`;
}

/** Same chain: same links with the same targets in the same order. */
export function sameLinks(a: FileLink[], b: FileLink[]): boolean {
  return a.length === b.length && a.every((link, i) => link.path === b[i]?.path && link.target === b[i]?.target);
}

/** `a symlink (/etc/sysctl.conf -> sysctl.d/99-sysctl.conf)`, or `a regular file`. */
export function describeFileType(links: FileLink[]): string {
  if (links.length === 0) return 'a regular file';
  return `a symlink (${links.map((l) => `${l.path} -> ${l.target}`).join(', ')})`;
}

/** A refusal for a file the gather could not snapshot (dangling link, link to a directory…), with its reason. */
export function ungatheredReason(problems: string[], path: string): string {
  return problems.find((p) => p.startsWith(`${path} `)) ?? `${path} was not gathered`;
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
