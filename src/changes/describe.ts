/** One human line per change, for --check and the tree. */
import { countChangedLines, diffLines } from './diff.js';
import { displayPath, formatMode, readDisplayText } from './file-state.js';
import type { Change } from './change.js';

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function countLines(text: string): number {
  return text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

function describeFileChange(change: Extract<Change, { kind: 'file' }>): string {
  const { before, after } = change;
  // name the file really edited: `/etc/sysctl.conf -> /etc/sysctl.d/99-sysctl.conf`
  const path = displayPath(change.path, after ?? before);
  if (after === null) return `${path}: removed`;
  const afterText = readDisplayText(after);
  if (before === null) return `${path}: created (${plural(countLines(afterText), 'line')})`;
  const parts: string[] = [];
  const changed = countChangedLines(diffLines(readDisplayText(before), afterText));
  if (changed > 0) parts.push(`${plural(changed, 'line')} changed`);
  if (before.mode !== after.mode) parts.push(`mode ${formatMode(before.mode)} → ${formatMode(after.mode)}`);
  if (before.uid !== after.uid || before.gid !== after.gid) {
    parts.push(`owner ${before.uid}:${before.gid} → ${after.uid}:${after.gid}`);
  }
  return `${path}: ${parts.join(', ') || 'rewritten (same content)'}`;
}

export function describeChange(change: Change): string {
  switch (change.kind) {
    case 'knob':
      return `${change.key} ${change.before} → ${change.after}`;
    case 'file':
      return describeFileChange(change);
    case 'module-unload':
      return `rmmod ${change.module}`;
    case 'module-load':
      return `modprobe ${change.module}`;
  }
}
