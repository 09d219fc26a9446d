/** Words for drift messages (drift.ts): a file's exact state as a person compares it. Pure. */
import { formatMode, linksOf, sha256OfState } from '../changes/file-state.js';
import type { FileState } from '../facts/types.js';

/** Enough of the sha256 to tell two versions apart at a glance; the whole state is compared, never the prefix. */
const shownHashChars = 12;

/**
 * `a regular file (45 bytes, sha256 3f2a…, mode 0644, owner 0:0)`, `a symlink to /x (/x: 45 bytes, …)` (every link
 * of a chain, in order, then the regular file at its end), or `absent`. Owners are numeric: the gather reads uids, not names.
 */
export function describeFileState(path: string, state: FileState | null | undefined): string {
  if (!state) return 'absent';
  const bytes = Buffer.from(state.contentBase64, 'base64').length;
  const mode = formatMode(state.mode).padStart(4, '0');
  const hash = sha256OfState(state).slice(0, shownHashChars);
  const meta = `${bytes} bytes, sha256 ${hash}…, mode ${mode}, owner ${state.uid}:${state.gid}`;
  const links = linksOf(state);
  if (links.length === 0) return `a regular file (${meta})`;
  const chain = links.map((link) => (link.path === path ? link.target : `${link.path} -> ${link.target}`));
  return `a symlink to ${chain.join(', then ')} (${state.realPath ?? path}: ${meta})`;
}

/**
 * A path the gather could not snapshot, in words: `a symlink to /x, which does not exist (dangling link)`. The
 * gather's reason (facts/parse-file-section.ts) is `PATH REASON`, said for writing; the refusal part is dropped.
 */
export function describeUngathered(path: string, problems: string[]): string {
  const said = problems.find((p) => p.startsWith(`${path} `));
  if (!said) return 'unreadable (not read back)';
  const reason = said
    .slice(path.length + 1)
    .replace(/: refusing to write through it$/, '')
    .replace(/^is /, '');
  return reason;
}
