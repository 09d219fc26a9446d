/**
 * The cheap per-interval read of `watch`: count, max and the conntrack statistics, in one round trip and ONE
 * process on the host: a grep reads the integer sysctls (the shell's `read` cannot: dash reads one byte at a time
 * and proc_dointvec answers a read at offset > 0 with EOF, so `read` gets the first digit), and the shell's own
 * `read` copies the statistics (a seq_file, which `read` handles).
 * Output, one item a line: `PATH:VALUE` per sysctl, `|LINE` for each line of the stats file, `@@done`.
 */
import { parseConntrackStats } from './parse-conntrack-stats.js';
import { type PeakFact, readPeakValues } from './peak.js';
import type { ConntrackStats } from './types.js';
import { knobPaths } from './types.js';

// the lab points CONNTRACK_FLEET_STAT_FILE at a stand-in, as the gather script does (per-netns /proc cannot be faked)
export const sampleScript = String.raw`
grep -H '' ${knobPaths.count} ${knobPaths.max} ${knobPaths.maxAlias} ${knobPaths.buckets} 2>/dev/null
cs_f=${'$'}{CONNTRACK_FLEET_STAT_FILE:-/proc/net/stat/nf_conntrack}
if [ -r "$cs_f" ]; then while read -r cs_l; do echo "|$cs_l"; done < "$cs_f"; fi
echo @@done
`;

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

/** Parses sampleScript's output; null when the `@@done` marker is missing (the script did not finish). Pure. */
export function parseSample(stdout: string): CounterSample | null {
  const values = new Map<string, string>();
  // `@@NAME VALUE` lines: the peak fragment's (facts/peak-watch.ts), when the request carried it
  const named = new Map<string, string>();
  const statLines: string[] = [];
  let done = false;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('|')) statLines.push(line.slice(1));
    else if (line === '@@done') done = true;
    else if (line.startsWith('@@')) {
      const match = /^@@(\w+) (.*)$/.exec(line);
      if (match?.[1] && match[2] !== undefined) named.set(match[1], match[2].trim());
    } else {
      const match = /^(\/[^:]+):(.*)$/.exec(line);
      if (match?.[1] && match[2] !== undefined && !values.has(match[1])) values.set(match[1], match[2].trim());
    }
  }
  if (!done) return null;
  const peak = readPeakValues((name) => named.get(name));
  return {
    ...(peak && { peak }),
    count: readNumber(values, knobPaths.count),
    // net.nf_conntrack_max is the init-netns alias of the same value, for kernels or netns without the first
    max: readNumber(values, knobPaths.max) ?? readNumber(values, knobPaths.maxAlias),
    buckets: readNumber(values, knobPaths.buckets),
    stats: statLines.length > 0 ? parseConntrackStats(statLines.join('\n')) : null,
  };
}
