/**
 * The cheap per-interval read of `watch`: count, max and the conntrack statistics, in one round trip.
 * Only shell builtins (`read`, `echo`, `while`) run on the host: no cat, awk or grep is spawned per sample, so a
 * sample costs one exec channel and the `sh` that reads the script.
 * Output, one item a line: `@@count N`, `@@max N`, `@@buckets N`, `|LINE` for each line of the stats file, `@@done`.
 */
import { parseConntrackStats } from './parse-conntrack-stats.js';
import { type PeakFact, readPeakValues } from './peak.js';
import type { ConntrackStats } from './types.js';
import { knobPaths } from './types.js';

// the lab points CONNTRACK_FLEET_STAT_FILE at a stand-in, as the gather script does (per-netns /proc cannot be faked)
export const sampleScript = String.raw`
cs_read() { if { read -r cs_v < "$2"; } 2>/dev/null; then echo "@@$1 $cs_v"; fi; }
cs_read count ${knobPaths.count}
cs_read max ${knobPaths.max} || cs_read max ${knobPaths.maxAlias}
cs_read buckets ${knobPaths.buckets}
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

function readNumber(values: Map<string, string>, name: string): number | null {
  const text = values.get(name);
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : null;
}

/** Parses sampleScript's output; null when the `@@done` marker is missing (the script did not finish). Pure. */
export function parseSample(stdout: string): CounterSample | null {
  const values = new Map<string, string>();
  const statLines: string[] = [];
  let done = false;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('|')) statLines.push(line.slice(1));
    else if (line === '@@done') done = true;
    else {
      const match = /^@@(\w+) (.*)$/.exec(line);
      if (match?.[1] && match[2] !== undefined) values.set(match[1], match[2].trim());
    }
  }
  if (!done) return null;
  const peak = readPeakValues((name) => values.get(name));
  return {
    ...(peak && { peak }),
    count: readNumber(values, 'count'),
    max: readNumber(values, 'max'),
    buckets: readNumber(values, 'buckets'),
    stats: statLines.length > 0 ? parseConntrackStats(statLines.join('\n')) : null,
  };
}
