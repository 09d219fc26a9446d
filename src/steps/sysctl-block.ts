/**
 * Pure rewrite of a sysctl file: one managed block between markers, conflicting lines elsewhere
 * commented out with a marker prefix (restored once no longer managed), every other byte kept.
 */
import { normalizeSysctlKey } from '../kernel/sysctl-keys.js';

export const blockBegin = '# BEGIN conntrack-fleet (managed; edit the playbook, not this block)';
export const blockEnd = '# END conntrack-fleet';
export const disabledPrefix = '# conntrack-fleet disabled: ';

export interface SysctlEntry {
  key: string;
  value: string;
}

interface Lines {
  lines: string[];
  trailingNewline: boolean;
}

function splitLines(text: string): Lines {
  if (text === '') return { lines: [], trailingNewline: false };
  const trailingNewline = text.endsWith('\n');
  const lines = (trailingNewline ? text.slice(0, -1) : text).split('\n');
  return { lines, trailingNewline };
}

function joinLines({ lines, trailingNewline }: Lines): string {
  return lines.length === 0 ? '' : lines.join('\n') + (trailingNewline ? '\n' : '');
}

/** `key = value`, `key=value`, `-key = value`; null for comments, blanks and other lines. */
export function parseAssignment(line: string): SysctlEntry | null {
  const text = line.trim();
  if (text === '' || text.startsWith('#') || text.startsWith(';')) return null;
  const eq = text.indexOf('=');
  if (eq <= 0) return null;
  return { key: normalizeSysctlKey(text.slice(0, eq)), value: text.slice(eq + 1).trim() };
}

export function renderBlock(entries: SysctlEntry[]): string[] {
  return [blockBegin, ...entries.map((e) => `${e.key} = ${e.value}`), blockEnd];
}

interface BlockRange {
  start: number; // index of BEGIN
  end: number; // index of END
}

function findBlocks(lines: string[]): BlockRange[] | { error: string } {
  const blocks: BlockRange[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== blockBegin) continue;
    const end = lines.findIndex((line, j) => j > i && line.trim() === blockEnd);
    if (end < 0) return { error: `line ${i + 1}: "${blockBegin}" has no "${blockEnd}"; fix the file by hand` };
    blocks.push({ start: i, end });
    i = end;
  }
  return blocks;
}

/** Comments out a line for a key we own; restores a line we disabled whose key we no longer own. */
function rewriteOutsideLine(line: string, owned: Set<string>): string {
  if (line.startsWith(disabledPrefix)) {
    const original = line.slice(disabledPrefix.length);
    const entry = parseAssignment(original);
    return entry !== null && owned.has(entry.key) ? line : original;
  }
  const entry = parseAssignment(line);
  return entry !== null && owned.has(entry.key) ? disabledPrefix + line : line;
}

export interface RewriteInput {
  text: string;
  entries: SysctlEntry[];
  /** Other names of the same knobs (aliases, dead compat keys): commented out as well. */
  aliasKeys: string[];
}

export type RewriteResult = { text: string; blockBefore: SysctlEntry[] | null } | { error: string };

export function rewriteSysctlText(input: RewriteInput): RewriteResult {
  const source = splitLines(input.text);
  const blocks = findBlocks(source.lines);
  if ('error' in blocks) return blocks;
  const owned = new Set([...input.entries.map((e) => e.key), ...input.aliasKeys]);
  const block = renderBlock(input.entries);
  const out: string[] = [];
  let blockBefore: SysctlEntry[] | null = null;
  for (let i = 0; i < source.lines.length; i++) {
    const range = blocks.find((b) => b.start === i);
    if (range) {
      if (blockBefore === null) {
        blockBefore = source.lines.slice(range.start + 1, range.end).flatMap((l) => parseAssignment(l) ?? []);
        out.push(...block);
      }
      i = range.end;
      continue;
    }
    out.push(rewriteOutsideLine(source.lines[i] as string, owned));
  }
  if (blockBefore !== null)
    return { text: joinLines({ lines: out, trailingNewline: source.trailingNewline }), blockBefore };
  const last = out[out.length - 1];
  const separator = last !== undefined && last.trim() !== '' ? [''] : [];
  // Appending ends the old last line, so a missing trailing newline is added only here.
  return { text: joinLines({ lines: [...out, ...separator, ...block], trailingNewline: true }), blockBefore };
}

/** Entries of every managed block in `text` (a block left in a file the target moved away from). */
export function readBlockEntries(text: string): SysctlEntry[] | { error: string } {
  const { lines } = splitLines(text);
  const blocks = findBlocks(lines);
  if ('error' in blocks) return blocks;
  return blocks.flatMap((b) => lines.slice(b.start + 1, b.end).flatMap((l) => parseAssignment(l) ?? []));
}

export interface ForeignInput {
  text: string;
  /** 1-based numbers of lines to comment out: they would win over the block at boot. */
  disableLines: Set<number>;
  /** A key (as written, normalised) the tool still persists: its disabled lines stay disabled. */
  isManaged(key: string): boolean;
}

/**
 * Rewrites a sysctl file that is not the target: drops an old managed block (its keys moved to the target),
 * comments out `disableLines`, restores lines we disabled whose key is no longer managed; other bytes kept.
 */
export function rewriteForeignText(input: ForeignInput): { text: string } | { error: string } {
  const source = splitLines(input.text);
  const blocks = findBlocks(source.lines);
  if ('error' in blocks) return blocks;
  const out: string[] = [];
  source.lines.forEach((line, index) => {
    if (blocks.some((b) => index >= b.start && index <= b.end)) return;
    if (line.startsWith(disabledPrefix)) {
      const entry = parseAssignment(line.slice(disabledPrefix.length));
      out.push(entry !== null && input.isManaged(entry.key) ? line : line.slice(disabledPrefix.length));
    } else out.push(input.disableLines.has(index + 1) ? disabledPrefix + line : line);
  });
  return { text: joinLines({ lines: out, trailingNewline: source.trailingNewline }) };
}
