/** Whether nf_conntrack is a loaded module, built in, or absent (kernel-facts.md "Module or built-in"). Pure reader; inline shell. */
import { flagValue, type FactSection } from '../section.js';
import type { ConntrackPresence, HostFacts } from '../types.js';

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

// cf_loaded_has and cf_builtin come from modules.sh; `test` is a builtin, so the four probes spawn nothing, and
// cf_flag_value prints without a subshell
const presenceSh = String.raw`cf_flag_value conntrack_listed cf_loaded_has nf_conntrack
cf_flag_value conntrack_sys_module test -d /sys/module/nf_conntrack
cf_flag_value conntrack_initstate test -e /sys/module/nf_conntrack/initstate
cf_flag_value conntrack_builtin_list cf_builtin nf_conntrack`;

export const conntrackSection: FactSection<Pick<HostFacts, 'conntrack'>> = {
  name: 'conntrack',
  sh: () => presenceSh,
  read: ({ frame }) => ({
    conntrack: decideConntrackPresence({
      listed: flagValue(frame, 'conntrack_listed'),
      sysModule: flagValue(frame, 'conntrack_sys_module'),
      initstate: flagValue(frame, 'conntrack_initstate'),
      builtinList: flagValue(frame, 'conntrack_builtin_list'),
    }),
  }),
};
