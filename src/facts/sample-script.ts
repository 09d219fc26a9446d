/**
 * The cheap per-interval read of `watch`: count, max and the conntrack statistics, in one round trip and ONE
 * process on the host: a grep reads the integer sysctls (the shell's `read` cannot: dash reads one byte at a time
 * and proc_dointvec answers a read at offset > 0 with EOF, so `read` gets the first digit), and the shell's own
 * `read` copies the statistics (a seq_file, which `read` handles).
 * Output: records of the script's own token (remote/records.ts, the format of every remote script), as the gather's:
 * `begin knobs` … `end` around grep's `PATH:VALUE` lines, `begin stats` … `end` around the statistics file,
 * `value NAME VALUE` from the peak fragment (facts/peak-watch.ts) when the request carried it, `sampled` last.
 * Content needs no prefix: the token is random per script, so no file on the host can forge a record.
 */
import { readRecordStream, recordHeader, splitFields } from '../remote/records.js';
import { parseConntrackStats } from './parse-conntrack-stats.js';
import { type PeakFact, readPeakValues } from './peak.js';
import type { ConntrackStats } from './types.js';
import { knobPaths } from './types.js';

/** The kind of the record the sample prints last; an output without it was cut short. */
export const sampleDoneKind = 'sampled';

// the lab points CONNTRACK_FLEET_STAT_FILE at a stand-in, as the gather script does (per-netns /proc cannot be faked)
const sampleBody = String.raw`cf_rec begin knobs
grep -H '' ${knobPaths.count} ${knobPaths.max} ${knobPaths.maxAlias} ${knobPaths.buckets} 2>/dev/null
cf_rec end
cs_f=${'$'}{CONNTRACK_FLEET_STAT_FILE:-/proc/net/stat/nf_conntrack}
if [ -r "$cs_f" ]; then
cf_rec begin stats
while IFS= read -r cs_l || [ -n "$cs_l" ]; do printf '%s\n' "$cs_l"; done < "$cs_f"
cf_rec end
fi
`;

/**
 * The sample script for record token `token` (remote/records.ts newRecordToken: a fresh one per sample), with
 * `fragment` (shell that prints `value` records, e.g. the peak's) run just before the last record. The header's
 * comment lines are left out: they would travel with every sample of every host (no code line of records.sh starts
 * with #). Throws only on a malformed token (a programming error).
 */
export function buildSampleScript(token: string, fragment = ''): string {
  const header = recordHeader(token)
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
  return `${header}\n${sampleBody}${fragment ? `${fragment}\n` : ''}cf_rec ${sampleDoneKind}\n`;
}

export interface CounterSample {
  count: number | null;
  max: number | null;
  buckets: number | null;
  /** Summed over CPUs; null when the statistics file is missing or unreadable. */
  stats: ConntrackStats | null;
  /** Only when the request carried the peak fragment (facts/peak-watch.ts). */
  peak?: PeakFact;
}

function readNumber(values: Map<string, string>, path: string): number | null {
  const text = values.get(path);
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : null;
}

interface SampleFrame {
  /** Each block's content by name, the first of a name only ('' when empty). */
  blocks: Map<string, string>;
  /** `value NAME VALUE` records, the value trimmed. */
  values: Map<string, string>;
  done: boolean;
}

/** The records of `token` in `stdout`; content outside a block, and a block without its `end`, are dropped. */
function readSampleFrame(stdout: string, token: string): SampleFrame {
  const frame: SampleFrame = { blocks: new Map(), values: new Map(), done: false };
  let open: { name: string; text: string } | null = null;
  for (const item of readRecordStream(stdout, token)) {
    if ('content' in item) {
      if (open) open.text += item.newline ? `${item.content}\n` : item.content;
      continue;
    }
    const { kind, text } = item.record;
    if (kind === 'begin') open = { name: text, text: '' };
    else if (kind === 'end' && open) {
      if (!frame.blocks.has(open.name)) frame.blocks.set(open.name, open.text);
      open = null;
    } else if (kind === 'value') {
      const { fields, rest } = splitFields(text, 1);
      if (fields[0]) frame.values.set(fields[0], rest.trim());
    } else if (kind === sampleDoneKind) frame.done = true;
  }
  return frame;
}

/** grep -H's `PATH:VALUE` lines; the first line of a path wins. */
function knobValues(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^(\/[^:]+):(.*)$/.exec(line);
    if (match?.[1] && match[2] !== undefined && !values.has(match[1])) values.set(match[1], match[2].trim());
  }
  return values;
}

/**
 * Parses the output of the sample script sent with record token `token`; null when its last record (`sampled`) is
 * missing (the script did not finish). Anything not in a record of that token is content or ignored. Pure.
 */
export function parseSample(stdout: string, token: string): CounterSample | null {
  const frame = readSampleFrame(stdout, token);
  if (!frame.done) return null;
  const values = knobValues(frame.blocks.get('knobs') ?? '');
  const statsText = (frame.blocks.get('stats') ?? '').trimEnd();
  const peak = readPeakValues((name) => frame.values.get(name));
  return {
    ...(peak && { peak }),
    count: readNumber(values, knobPaths.count),
    // net.nf_conntrack_max is the init-netns alias of the same value, for kernels or netns without the first
    max: readNumber(values, knobPaths.max) ?? readNumber(values, knobPaths.maxAlias),
    buckets: readNumber(values, knobPaths.buckets),
    stats: statsText !== '' ? parseConntrackStats(statsText) : null,
  };
}
