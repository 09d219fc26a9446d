/** Decides whether nf_conntrack is a loaded module, built in, or absent, from what the gather script probed. Pure. */
import type { ConntrackPresence } from './types.js';

export interface PresenceProbe {
  /** lsmod or /proc/modules lists nf_conntrack. */
  listed: boolean;
  /** /sys/module/nf_conntrack exists (loaded modules, and built-in ones that have parameters). */
  sysModule: boolean;
  /** /sys/module/nf_conntrack/initstate exists: only loadable modules have it. */
  initstate: boolean;
  /** /lib/modules/$(uname -r)/modules.builtin names nf_conntrack.ko. */
  builtinList: boolean;
}

export function decideConntrackPresence(probe: PresenceProbe): ConntrackPresence {
  if (probe.listed || probe.initstate) return 'module';
  if (probe.sysModule || probe.builtinList) return 'builtin';
  return 'absent';
}
