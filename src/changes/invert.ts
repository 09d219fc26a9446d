/** Undo as data: the inverse of applied changes, last change first. */
import { makeKnobChange, mirrorsOf, type KnobChange } from './knob-change.js';
import type { Change } from './change.js';

function invertKnob(change: KnobChange): KnobChange {
  // `before` was read from the kernel, so no rounding is expected when writing it back.
  const { key, path, before, after } = change;
  return makeKnobChange({ key, path, before: after, after: before, mirrors: mirrorsOf(change) });
}

export function invertChange(change: Change): Change {
  switch (change.kind) {
    case 'knob':
      return invertKnob(change);
    case 'file':
      return { kind: 'file', path: change.path, before: change.after, after: change.before };
    case 'module-unload':
      return { kind: 'module-load', module: change.module };
    case 'module-load':
      return { kind: 'module-unload', module: change.module };
  }
}

export function invertChanges(applied: Change[]): Change[] {
  return [...applied].reverse().map(invertChange);
}
