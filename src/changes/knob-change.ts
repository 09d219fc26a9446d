/**
 * Building knob changes and reading their mirrors. A mirror is a second file that must read the value
 * of the written knob once the write is done (set_hashsize writes the hashsize parameter and checks
 * nf_conntrack_buckets too). Mirrors ride on the Change as an extra JSON field, so they survive the
 * journal and are kept by invertChanges.
 */
import type { KnobChange, KnobMirror } from './change.js';

export type { KnobChange, KnobMirror } from './change.js';

/** Builds a knob change, leaving out empty optional fields so the JSON stays minimal. */
export function makeKnobChange(fields: Omit<KnobChange, 'kind'>): KnobChange {
  const change: KnobChange = {
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

/** The mirrors of a change, [] when it has none (a journal written before mirrors existed has no field). */
export function mirrorsOf(change: KnobChange): KnobMirror[] {
  return Array.isArray(change.mirrors) ? change.mirrors : [];
}

/** Values a read back may show: the written value, or a kernel rounding of it. */
export function acceptedValues(change: KnobChange): string[] {
  return [change.after, ...(change.accept ?? [])];
}
