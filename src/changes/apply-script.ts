/**
 * The sh script that applies one step's changes in one round trip and reads each back. The shell is
 * src/remote/apply.sh and stage.sh; this renders the calls, every value through quoteShell. Output: records (remote/records.ts)
 *   applied I | failed I CODE STDERR
 *   read I knob value V | read I knob absent | read I mirror.J …        (consecutive knobs are read back together)
 *   read I file value SHA256 MODE UID GID [HEXLINK=HEXTARGET…] | read I file absent | read I file unreadable TEXT
 *                                                                      (consecutive files are read back together)
 *   read I module loaded|unloaded | read I module unknown LSMOD_ERROR
 *   end ok | end failed
 */
import { quoteShell } from '../transport/quote.js';
import { encodeLinkChain } from '../facts/link-chain-sh.js';
import { recordHeader } from '../remote/records.js';
import { remoteScript } from '../remote/scripts.js';
import { formatMode, linksOf, realPathOf } from './file-state.js';
import type { Change } from './change.js';
import { mirrorsOf, type KnobChange } from './knob-change.js';
import { writeFileFunctions } from './write-file-sh.js';

function checkPath(path: string): string {
  if (!path.startsWith('/')) throw new Error(`a change path must be absolute: ${path}`);
  return quoteShell(path);
}

/** Module names come from lsmod; anything else could be an option to rmmod. */
function checkModule(name: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`not a module name: ${name}`);
  return quoteShell(name);
}

/**
 * `text DATA` when the bytes are UTF-8 without NUL (they then travel as a quoted shell word and printf writes them
 * back exactly: no base64 process), else `base64 DATA`.
 */
export function fileData(contentBase64: string): [string, string] {
  const bytes = Buffer.from(contentBase64, 'base64');
  const text = bytes.toString('utf8');
  if (!bytes.includes(0) && Buffer.from(text, 'utf8').equals(bytes)) return ['text', text];
  return ['base64', contentBase64];
}

/** `ctf_stage I PATH …` (stage.sh: the arguments of write-file.sh's ctf_write_file), or `ctf_file I PATH` to remove. */
function renderFile(change: Extract<Change, { kind: 'file' }>, index: number): string {
  const { after } = change;
  if (after === null) {
    if (linksOf(change.before).length > 0)
      throw new Error(`will not remove a file reached through symlinks: ${change.path}`);
    return `ctf_file ${index} ${checkPath(change.path)}`;
  }
  const links = linksOf(after);
  const pairs = links.flatMap((link) => [checkPath(link.path), quoteShell(link.target)]);
  const fields = [
    ...fileData(after.contentBase64),
    formatMode(after.mode),
    after.uid,
    after.gid,
    encodeLinkChain(links),
  ].map(quoteShell);
  return `ctf_stage ${index} ${checkPath(change.path)} ${[...fields, ...pairs].join(' ')}`;
}

function renderOther(change: Exclude<Change, KnobChange | { kind: 'file' }>, index: number): string {
  const verb = change.kind === 'module-unload' ? 'unload' : 'load';
  return `ctf_module ${index} ${verb} ${checkModule(change.module)}`;
}

/** The `'I TARGET' PATH` pairs ctf_read_knobs reads back for one knob change (the knob, then its mirrors). */
function knobReadArgs(change: KnobChange, index: number): string[] {
  const mirrors = mirrorsOf(change).map((m, j) => `${quoteShell(`${index} mirror.${j}`)} ${checkPath(m.path)}`);
  return [`${quoteShell(`${index} knob`)} ${checkPath(change.path)}`, ...mirrors];
}

/** Every path a file change may touch: the path, its links (before and after) and the files they end at. */
function pathsOf(change: Extract<Change, { kind: 'file' }>): string[] {
  const links = [...linksOf(change.before), ...linksOf(change.after)];
  return [
    change.path,
    realPathOf(change.path, change.before),
    realPathOf(change.path, change.after),
    ...links.map((link) => link.path),
  ];
}

/** Read-backs waiting to be rendered as one call (`ctf_read_knobs` / `ctf_read_files`), and the paths they cover. */
class PendingReads {
  reads: string[] = [];
  readonly paths = new Set<string>();
  constructor(private readonly call: string) {}
  /** The call with the pending reads, or ':' when there are none. */
  render(): string {
    return this.reads.length > 0 ? `${this.call} ${this.reads.join(' ')}` : ':';
  }
  take(): string {
    const line = this.reads.length > 0 ? this.render() : '';
    this.reads = [];
    this.paths.clear();
    return line;
  }
}

/**
 * One line per change. Consecutive knob writes share one read-back process (awk), run before the next file or
 * module change (which could move a knob: loading nf_conntrack resets them), before a knob is written again, and
 * before stopping at a failure. Consecutive file writes are staged (temp files) and renamed together by ONE
 * `ctf_commit` (one sync for all temps), then share one sha256sum and one stat; both happen before the next knob,
 * module or removal change, before a write that touches one of their paths (or links) again, and before stopping.
 */
function renderBody(changes: Change[], continueOnError: boolean): string[] {
  const lines: string[] = [];
  const knobReads = new PendingReads('ctf_read_knobs');
  const fileReads = new PendingReads('ctf_read_files');
  // a file that cannot be staged stops the script: the temps staged before it go first (apply.sh ctf_unstage)
  const orStop = (reads: PendingReads, unstage = '') =>
    continueOnError ? 'ctf_failed=1' : `{ ${unstage}${reads.render()}; ctf_stop; }`;
  let staged = 0;
  const commit = () => {
    if (staged > 0)
      lines.push(continueOnError ? 'ctf_commit all || ctf_failed=1' : `ctf_commit || ${orStop(fileReads)}`);
    staged = 0;
  };
  const flushFiles = () => {
    commit();
    lines.push(fileReads.take());
  };
  const flush = () => lines.push(knobReads.take());
  changes.forEach((change, index) => {
    if (change.kind === 'file') {
      flush();
      const paths = pathsOf(change);
      if (paths.some((p) => fileReads.paths.has(p))) flushFiles();
      // a removal is not staged: what was staged before it is renamed first
      if (change.after === null) commit();
      else staged += 1;
      fileReads.reads.push(quoteShell(String(index)), checkPath(change.path));
      for (const p of paths) fileReads.paths.add(p);
      lines.push(`${renderFile(change, index)} || ${orStop(fileReads, 'ctf_unstage; ')}`);
      return;
    }
    flushFiles();
    if (change.kind === 'knob') {
      // a knob written twice is read back after each write: the second would hide what the first did
      if (knobReads.paths.has(change.path)) flush();
      knobReads.paths.add(change.path);
      knobReads.reads.push(...knobReadArgs(change, index));
      const write = `ctf_knob ${index} ${checkPath(change.path)} ${quoteShell(change.after)}`;
      lines.push(`${write} || ${orStop(knobReads)}`);
      return;
    }
    flush();
    lines.push(`${renderOther(change, index)} || ${continueOnError ? 'ctf_failed=1' : 'ctf_stop'}`);
  });
  flush();
  flushFiles();
  return lines.filter((line) => line !== '');
}

export interface ApplyScriptOptions {
  /** The record token (remote/records.ts newRecordToken): parse the output with the same one. */
  token: string;
  /** Attempt every change even after a failure (undo: each inverse counts). Default false. */
  continueOnError?: boolean;
  /** Undo: put back symlinks that changed since (write-file-sh.ts). Default false: a changed link fails the write. */
  restoreLinks?: boolean;
  /** sh run after the functions are defined and before the first change (the journal update); it may exit. */
  prelude?: string;
}

/** Applies the changes in order, stopping at the first failure; exits 1 when one failed, else 0. */
export function buildApplyScript(changes: Change[], options: ApplyScriptOptions): string {
  return [
    recordHeader(options.token),
    writeFileFunctions,
    remoteScript('apply.sh'),
    remoteScript('stage.sh'),
    `ctf_restore_links=${options.restoreLinks ? 1 : 0}`,
    options.prelude ?? '',
    'ctf_failed=0',
    ...renderBody(changes, options.continueOnError ?? false),
    'ctf_end "$ctf_failed"',
    '',
  ].join('\n');
}
