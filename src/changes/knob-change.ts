/**
 * Knob changes and their read-back mirrors. A mirror is a second file that must read the value
 * of the written knob once the write is done (set_hashsize writes the hashsize parameter and
 * checks nf_conntrack_buckets too). Mirrors ride on the Change as an extra JSON field, so they
 * survive the journal and are kept by invertChanges.
 */
import type { Change } from './change.js';

export type KnobChange = Extract<Change, { kind: 'knob' }>;

export interface KnobMirror {
  key: string;
  path: string;
}

export type MirroredKnobChange = KnobChange & { mirrors?: KnobMirror[] };

export interface KnobChangeFields {
  key: string;
  path: string;
  before: string;
  after: string;
  accept?: string[];
  mirrors?: KnobMirror[];
}

/** Builds a knob change, leaving out empty optional fields so the JSON stays minimal. */
export function makeKnobChange(fields: KnobChangeFields): KnobChange {
  const change: MirroredKnobChange = {
    kind: 'knob',
    key: fields.key,
    path: fields.path,
    before: fields.before,
    after: fields.after,
  };
  const accept = (fields.accept ?? []).filter((value) => value !== fields.after);
  if (accept.length > 0) change.accept = accept;
  if (fields.mirrors && fields.mirrors.length > 0) change.mirrors = fields.mirrors.map((m) => ({ ...m }));
  return change;
}

export function mirrorsOf(change: KnobChange): KnobMirror[] {
  const mirrors = (change as MirroredKnobChange).mirrors;
  return Array.isArray(mirrors) ? mirrors : [];
}

/** Values a read back may show: the written value, or a kernel rounding of it. */
export function acceptedValues(change: KnobChange): string[] {
  return [change.after, ...(change.accept ?? [])];
}
