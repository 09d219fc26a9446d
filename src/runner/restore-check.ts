/** Checks a host's state after a rollback against the before-states its changes recorded. Pure. */
import type { FileState, HostFacts } from '../facts/types.js';
import { describeFileType, displayPath, linksOf, realPathOf, sameLinks } from '../changes/file-state.js';
import type { Change } from '../changes/change.js';
import { quoteShell } from '../transport/quote.js';

/** The value facts hold for a knob path (max, buckets, hashsize, a timeout), or null when unknown. */
export function knobValueAt(facts: HostFacts, path: string): string | null {
  for (const knob of Object.values(facts.knobs)) if (knob.path === path) return knob.value;
  const prefix = '/proc/sys/net/netfilter/nf_conntrack_';
  if (path.startsWith(prefix)) {
    const value = facts.timeouts[path.slice(prefix.length)];
    return value === undefined ? null : String(value);
  }
  return null;
}

/** Exact: bytes, mode, owner, and file type with every link and its target (a link replaced by a file differs). */
export function sameFile(path: string, a: FileState | null | undefined, b: FileState | null | undefined): boolean {
  if (!a || !b) return (a ?? null) === (b ?? null);
  return sameFileBytes(a, b) && sameLinks(linksOf(a), linksOf(b)) && realPathOf(path, a) === realPathOf(path, b);
}

/** The regular file alone: bytes, mode and owner (two names of one file: a link and its target). */
export function sameFileBytes(a: FileState | null | undefined, b: FileState | null | undefined): boolean {
  if (!a || !b) return (a ?? null) === (b ?? null);
  return a.contentBase64 === b.contentBase64 && a.mode === b.mode && a.uid === b.uid && a.gid === b.gid;
}

/** The file type is named when it is a symlink or when it is what differs. */
function describeFile(state: FileState | null | undefined, other: FileState | null | undefined): string {
  if (!state) return 'absent';
  const bytes = Buffer.from(state.contentBase64, 'base64').length;
  const showType = linksOf(state).length > 0 || (other && linksOf(other).length > 0);
  const type = showType ? `${describeFileType(linksOf(state))}, ` : '';
  return `${type}${bytes} bytes, mode ${state.mode.toString(8)}, owner ${state.uid}:${state.gid}`;
}

function isLoaded(facts: HostFacts, module: string): boolean {
  return facts.modules.some((m) => m.name === module);
}

/** Every way `after` differs from the before-state the changes recorded; empty = restored exactly. */
export function verifyRestored(after: HostFacts, changes: Change[]): string[] {
  const mismatches: string[] = [];
  const seen = new Set<string>();
  // the FIRST change to a target holds the state from before the run
  for (const change of changes) {
    const id = change.kind === 'knob' || change.kind === 'file' ? change.path : change.module;
    if (seen.has(id)) continue;
    seen.add(id);
    if (change.kind === 'knob') {
      const now = knobValueAt(after, change.path);
      // a knob that read as nothing is said so: "is , was 65536" reads as a formatting slip
      const shown = now === null ? 'unreadable' : now === '' ? 'empty' : now;
      if (now !== change.before) mismatches.push(`${change.key} is ${shown}, was ${change.before}`);
    } else if (change.kind === 'file') {
      // a missing key means "could not be read", never "absent"
      if (!(change.path in after.files)) mismatches.push(`${change.path} could not be read back to verify it`);
      const now = after.files[change.path];
      if (change.path in after.files && !sameFile(change.path, change.before, now)) {
        mismatches.push(
          `${displayPath(change.path, change.before)} differs: now ${describeFile(now, change.before)}, was ${describeFile(change.before, now)}`,
        );
      }
    } else {
      const wasLoaded = change.kind === 'module-unload';
      const now = isLoaded(after, change.module);
      if (wasLoaded !== now)
        mismatches.push(
          `module ${change.module} is ${now ? 'loaded' : 'not loaded'}, was ${wasLoaded ? 'loaded' : 'not loaded'}`,
        );
    }
  }
  return mismatches;
}

/**
 * What an operator must do by hand when a rollback could not restore the host, as shell lines in the order they
 * must run: `modprobe` first (loading nf_conntrack resets every knob it owns, so an `echo` before it would be
 * undone), then the `echo … > /proc/sys/…` values, the files, and `rmmod` last. Every value comes from the
 * journal the host supplied, so every one is shell-quoted (quoteShell).
 */
export function manualFixHints(changes: Change[], mismatches: string[]): string[] {
  const loads: string[] = [];
  const knobs: string[] = [];
  const files: string[] = [];
  const unloads: string[] = [];
  const seen = new Set<string>();
  // only the FIRST change to a target knows the state from before the run
  for (const change of changes) {
    const id = change.kind === 'knob' ? change.key : change.kind === 'file' ? change.path : change.module;
    if (seen.has(id)) continue;
    seen.add(id);
    if (!mismatches.some((m) => m.includes(id))) continue;
    if (change.kind === 'knob') knobs.push(`echo ${quoteHint(change.before)} > ${quoteHint(change.path)}`);
    else if (change.kind === 'file') files.push(fileHint(change.path, change.before));
    else if (change.kind === 'module-unload') loads.push(`modprobe ${quoteHint(change.module)}`);
    else unloads.push(`rmmod ${quoteHint(change.module)}`);
  }
  return [...loads, ...knobs, ...files, ...unloads];
}

/** quoteShell, but a NUL (which no shell word can hold) is shown escaped rather than thrown: a hint must print. */
function quoteHint(value: string | number): string {
  return quoteShell(String(value).replaceAll('\0', '\\0'));
}

function fileHint(path: string, before: FileState | null): string {
  if (!before) return `rm ${quoteHint(path)}`;
  const relink = linksOf(before).map((link) => `ln -sfn ${quoteHint(link.target)} ${quoteHint(link.path)}`);
  return [
    ...relink,
    `restore ${quoteHint(realPathOf(path, before))} from the journal (/var/lib/conntrack-fleet/journal) or backup`,
  ].join('; ');
}
