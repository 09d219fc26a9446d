/** The conntrack statistics (/proc/net/stat/nf_conntrack, summed over CPUs). Inline shell: the shell's own `read`. */
import { parseConntrackStats } from '../parse-conntrack-stats.js';
import { blockText, type FactSection } from '../section.js';
import type { HostFacts } from '../types.js';

// a seq_file: `read` works byte by byte. Per-netns counters cannot be faked in /proc, so the lab points
// CONNTRACK_FLEET_STAT_FILE at a stand-in (sshd SetEnv); the watch sample (sample-script.ts) reads the same file.
const statsSh = String.raw`cf_stat_file=${'$'}{CONNTRACK_FLEET_STAT_FILE:-/proc/net/stat/nf_conntrack}
if [ -r "$cf_stat_file" ]; then cf_begin stats; cf_small_lines "$cf_stat_file"; cf_end; fi`;

export const statsSection: FactSection<Pick<HostFacts, 'stats'>> = {
  name: 'stats',
  sh: () => statsSh,
  read({ frame }) {
    const text = blockText(frame, 'stats');
    return { stats: text === null ? null : parseConntrackStats(text) };
  },
};
