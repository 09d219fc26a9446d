/** Every loaded module (lsmod, or /proc/modules, its source), so holders outside the NAT chain can be seen. Shell: src/remote/sections/modules.sh. */
import { remoteScript } from '../../remote/scripts.js';
import { parseLsmod } from '../parse-lsmod.js';
import { parseProcModules } from '../parse-proc-modules.js';
import { blockText, commandFailure, type FactSection } from '../section.js';
import type { GatherFrame } from '../gather-frame.js';
import type { HostFacts, LoadedModule } from '../types.js';

/** lsmod's listing when the script ran lsmod (a failing lsmod is a problem), else /proc/modules, else []. */
export function readModules(frame: GatherFrame, problems: string[]): LoadedModule[] {
  const lsmod = frame.sections.find((s) => s.name === 'lsmod');
  if (lsmod && lsmod.exitCode !== 0) problems.push(commandFailure({ ...lsmod, arg: 'lsmod' }));
  if (lsmod) return lsmod.exitCode === 0 ? parseLsmod(lsmod.lines.join('\n')) : [];
  const procModules = blockText(frame, 'proc-modules');
  return procModules === null ? [] : parseProcModules(procModules);
}

export const modulesSection: FactSection<Pick<HostFacts, 'modules'>> = {
  name: 'modules',
  sh: () => `${remoteScript('sections/modules.sh')}\ncf_modules`,
  // cf_builtins (modules.sh): whether nf_conntrack and nf_tables are built in; cf_kernel is identity's
  grep: { files: ['"/lib/modules/$cf_kernel/modules.builtin"'], pattern: '/(nf_conntrack|nf_tables)\\.ko$' },
  read: ({ frame, problems }) => ({ modules: readModules(frame, problems) }),
};
