/** Parses the knob lines the gather script prints: `PATH<TAB>FLAGS<TAB>VALUE`, FLAGS from e(xists) r(eadable) w(ritable). Pure. */
import type { KnobFact } from './types.js';

export function parseKnobLines(lines: string[]): Map<string, KnobFact> {
  const knobs = new Map<string, KnobFact>();
  for (const line of lines) {
    const [path, flags, ...rest] = line.split('\t');
    if (!path?.startsWith('/') || flags === undefined) continue;
    const readable = flags.includes('e') && flags.includes('r');
    knobs.set(path, { path, value: readable ? rest.join('\t').trim() : null, writable: flags.includes('w') });
  }
  return knobs;
}

/** The knob at `path`; a knob the output does not mention counts as absent. */
export function knobAt(knobs: Map<string, KnobFact>, path: string): KnobFact {
  return knobs.get(path) ?? { path, value: null, writable: false };
}

/** A knob's value as a whole number, or null (absent, unreadable, not a number). */
export function knobNumber(knob: KnobFact): number | null {
  return knob.value !== null && /^\d+$/.test(knob.value) ? Number(knob.value) : null;
}
