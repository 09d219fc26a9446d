/**
 * The conntrack knobs (max, its init-netns alias, buckets, count, hashsize: which exist, their values, whether they
 * can be written) and every nf_conntrack_*timeout* sysctl. Shell: src/remote/sections/knobs.sh (a stat; the values come
 * from the gather's shared grep).
 * In a non-initial netns max and buckets are read-only 0444 (kernel-facts.md); `writable` only says what the file
 * mode allows, the kernel may still refuse.
 */
import { quoteShell } from '../../transport/quote.js';
import { remoteScript } from '../../remote/scripts.js';
import { parseProcSysGrep } from '../parse-sysctl.js';
import { blockText, type FactSection } from '../section.js';
import { type HostFacts, type KnobFact, knobPaths } from '../types.js';

const knobOrder = [knobPaths.max, knobPaths.maxAlias, knobPaths.buckets, knobPaths.count, knobPaths.hashsize];

/** `FILE:VALUE` lines (grep -H '' FILES) as path → trimmed value; the first line of a file wins. */
export function parseFileValues(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^(\/[^:\n]*):(.*)$/.exec(line);
    if (match?.[1] && !values.has(match[1])) values.set(match[1], (match[2] ?? '').trim());
  }
  return values;
}

/** `PERMISSIONS PATH` lines (stat -c '%A %n') as path → permissions (`-rw-r--r--`). */
export function parseModes(text: string): Map<string, string> {
  const modes = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([-a-zA-Z?]{10}\S*) (\/.*)$/.exec(line);
    if (match?.[1] && match[2]) modes.set(match[2], match[1]);
  }
  return modes;
}

export interface KnobReadings {
  /** From knob-modes; a knob stat could not read keeps what `test -w` said. */
  modes?: Map<string, string>;
  /** From values; where a knob is missing, the third column of its line (older output), else ''. */
  values?: Map<string, string>;
}

/** Knob lines `PATH<TAB>FLAGS[<TAB>VALUE]`, FLAGS from e(xists) r(eadable) w(ritable), with the modes and values read apart. */
export function parseKnobLines(lines: string[], readings: KnobReadings = {}): Map<string, KnobFact> {
  const knobs = new Map<string, KnobFact>();
  for (const line of lines) {
    const [path, flags, ...rest] = line.split('\t');
    if (!path?.startsWith('/') || flags === undefined) continue;
    const readable = flags.includes('e') && flags.includes('r');
    const mode = readings.modes?.get(path);
    const modeAllows = mode === undefined || mode.slice(1).includes('w');
    const value = readings.values?.get(path) ?? rest.join('\t');
    knobs.set(path, { path, value: readable ? value.trim() : null, writable: flags.includes('w') && modeAllows });
  }
  return knobs;
}

/** The knob at `path`; a knob the output does not mention counts as absent. */
export function knobAt(knobs: Map<string, KnobFact>, path: string): KnobFact {
  return knobs.get(path) ?? { path, value: null, writable: false };
}

/** A non-negative integer from a knob's text (surrounding blanks allowed), else null; the planners read knob text with it too. */
export function knobCount(text: string | null | undefined): number | null {
  if (text === null || text === undefined) return null;
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : null;
}

/** A knob's value as a whole number, or null (absent, unreadable, not a number). */
export function knobNumber(knob: KnobFact): number | null {
  return knobCount(knob.value);
}

const timeoutKey = /^net\.netfilter\.nf_conntrack_(\w*timeout\w*)$/;

/** `net.netfilter.nf_conntrack_tcp_timeout_established = 432000` → { tcp_timeout_established: 432000 }. */
export function pickConntrackTimeouts(values: Record<string, string>): Record<string, number> {
  const timeouts: Record<string, number> = {};
  for (const [key, value] of Object.entries(values)) {
    const name = timeoutKey.exec(key)?.[1];
    if (name && /^\d+$/.test(value)) timeouts[name] = Number(value);
  }
  return timeouts;
}

type KnobsFacts = Pick<HostFacts, 'count' | 'max' | 'buckets' | 'hashsize' | 'knobs' | 'timeouts'>;

export const knobsSection: FactSection<KnobsFacts> = {
  name: 'knobs',
  sh: () =>
    `${remoteScript('sections/knobs.sh')}\n${['cf_knobs', ...knobOrder.map((path) => quoteShell(path))].join(' ')}`,
  // a knob's and a timeout's value is one integer line; a line of other text (none seen) reads as no value
  grep: {
    files: [...knobOrder.map((path) => quoteShell(path)), '/proc/sys/net/netfilter/nf_conntrack_*timeout*'],
    pattern: '^-?[0-9]+[[:space:]]*$',
  },
  requires: { blocks: ['knobs'] },
  read({ frame }) {
    const valuesText = blockText(frame, 'values') ?? '';
    const readings = { modes: parseModes(blockText(frame, 'knob-modes') ?? ''), values: parseFileValues(valuesText) };
    const all = parseKnobLines(frame.sections.find((s) => s.name === 'knobs')?.lines ?? [], readings);
    const knobs = {
      max: knobAt(all, knobPaths.max),
      maxAlias: knobAt(all, knobPaths.maxAlias),
      buckets: knobAt(all, knobPaths.buckets),
      hashsize: knobAt(all, knobPaths.hashsize),
    };
    return {
      count: knobNumber(knobAt(all, knobPaths.count)),
      max: knobNumber(knobs.max) ?? knobNumber(knobs.maxAlias),
      buckets: knobNumber(knobs.buckets),
      hashsize: knobNumber(knobs.hashsize),
      knobs,
      timeouts: pickConntrackTimeouts(parseProcSysGrep(valuesText)),
    };
  },
};
