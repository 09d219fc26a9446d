/** A small unified diff (LCS over lines) for `--check --diff`. */
import type { FileState } from '../facts/types.js';
import { displayPath, formatMode, readDisplayText } from './file-state.js';

export interface DiffOp {
  op: ' ' | '-' | '+';
  text: string;
  /** This line is the last of its file and has no newline. */
  noNewline: boolean;
}

interface Line {
  text: string;
  noNewline: boolean;
}

function toLines(text: string): Line[] {
  if (text === '') return [];
  const noNewline = !text.endsWith('\n');
  const parts = (noNewline ? text : text.slice(0, -1)).split('\n');
  return parts.map((part, i) => ({ text: part, noNewline: noNewline && i === parts.length - 1 }));
}

const sameLine = (a: Line, b: Line) => a.text === b.text && a.noNewline === b.noNewline;

function diffMiddle(a: Line[], b: Line[]): DiffOp[] {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const lcs = new Uint32Array(rows * cols);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * cols + j] = sameLine(a[i]!, b[j]!)
        ? lcs[(i + 1) * cols + j + 1]! + 1
        : Math.max(lcs[(i + 1) * cols + j]!, lcs[i * cols + j + 1]!);
    }
  }
  const ops: DiffOp[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && sameLine(a[i]!, b[j]!)) {
      ops.push({ op: ' ', ...a[i++]! });
      j++;
    } else if (i < a.length && (j === b.length || lcs[(i + 1) * cols + j]! >= lcs[i * cols + j + 1]!)) {
      ops.push({ op: '-', ...a[i++]! }); // removals first, as diff(1) prints them
    } else {
      ops.push({ op: '+', ...b[j++]! });
    }
  }
  return ops;
}

export function diffLines(beforeText: string, afterText: string): DiffOp[] {
  const a = toLines(beforeText);
  const b = toLines(afterText);
  let head = 0;
  while (head < a.length && head < b.length && sameLine(a[head]!, b[head]!)) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && sameLine(a[a.length - 1 - tail]!, b[b.length - 1 - tail]!))
    tail++;
  const same = (lines: Line[]): DiffOp[] => lines.map((line) => ({ op: ' ', ...line }));
  return [
    ...same(a.slice(0, head)),
    ...diffMiddle(a.slice(head, a.length - tail), b.slice(head, b.length - tail)),
    ...same(a.slice(a.length - tail)),
  ];
}

/** Changed lines, a removed line and its replacement counting once. */
export function countChangedLines(ops: DiffOp[]): number {
  let total = 0;
  let removed = 0;
  let added = 0;
  for (const { op } of [...ops, { op: ' ' as const }]) {
    if (op === '-') removed++;
    else if (op === '+') added++;
    else {
      total += Math.max(removed, added);
      removed = 0;
      added = 0;
    }
  }
  return total;
}

function findHunks(ops: DiffOp[], context: number): [number, number][] {
  const hunks: [number, number][] = [];
  ops.forEach((op, index) => {
    if (op.op === ' ') return;
    const start = Math.max(0, index - context);
    const end = Math.min(ops.length, index + context + 1);
    const last = hunks[hunks.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else hunks.push([start, end]);
  });
  return hunks;
}

function renderHunk(ops: DiffOp[], [start, end]: [number, number]): string[] {
  const before = ops.slice(0, start);
  const inside = ops.slice(start, end);
  const count = (list: DiffOp[], skip: '+' | '-') => list.filter((o) => o.op !== skip).length;
  const aCount = count(inside, '+');
  const bCount = count(inside, '-');
  const aStart = count(before, '+') + (aCount > 0 ? 1 : 0);
  const bStart = count(before, '-') + (bCount > 0 ? 1 : 0);
  const out = [`@@ -${aStart},${aCount} +${bStart},${bCount} @@`];
  for (const op of inside) {
    out.push(op.op + op.text);
    if (op.noNewline) out.push('\\ No newline at end of file');
  }
  return out;
}

function describeMeta(before: FileState | null, after: FileState | null): string[] {
  if (before === null || after === null) return [];
  const out: string[] = [];
  if (before.mode !== after.mode) out.push(`old mode ${formatMode(before.mode)}`, `new mode ${formatMode(after.mode)}`);
  if (before.uid !== after.uid || before.gid !== after.gid) {
    out.push(`old owner ${before.uid}:${before.gid}`, `new owner ${after.uid}:${after.gid}`);
  }
  return out;
}

/** Unified diff of one file; '' when nothing differs. A symlinked path is named with its target (`a -> b`). */
export function diffFile(path: string, before: FileState | null, after: FileState | null, contextLines = 3): string {
  const ops = diffLines(readDisplayText(before), readDisplayText(after));
  const hunks = findHunks(ops, contextLines);
  const meta = describeMeta(before, after);
  const existenceChanged = (before === null) !== (after === null);
  if (hunks.length === 0 && meta.length === 0 && !existenceChanged) return '';
  const header = [
    ...meta,
    `--- ${before === null ? '/dev/null' : displayPath(path, before)}`,
    `+++ ${after === null ? '/dev/null' : displayPath(path, after)}`,
  ];
  return [...header, ...hunks.flatMap((hunk) => renderHunk(ops, hunk))].join('\n') + '\n';
}
