/**
 * A Change is data: computed purely by a step's planner, applied generically (one round trip per step, read back
 * in the same script) and undone by applying its inverse. Changes are JSON, so the on-host journal can hold them.
 */
import type { FileState } from '../facts/types.js';

/** A read-only view of a written knob's value that must read back equal too (hashsize ↔ nf_conntrack_buckets). */
export interface KnobMirror {
  key: string;
  path: string;
}

/** Write a kernel tunable; read back must equal `after` or one of `accept` (kernel rounding). */
export interface KnobChange {
  kind: 'knob';
  key: string;
  path: string;
  before: string;
  after: string;
  accept?: string[];
  mirrors?: KnobMirror[];
}

export type Change =
  | KnobChange
  /** Replace a file atomically (temp in same dir, fsync, rename; mode/owner from `after`); null = absent. */
  | { kind: 'file'; path: string; before: FileState | null; after: FileState | null }
  | { kind: 'module-unload'; module: string }
  | { kind: 'module-load'; module: string };
