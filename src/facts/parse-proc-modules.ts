/** Parses /proc/modules (`name size refcount holders, state address [taint]`), lsmod's own source. Pure. */
import { parseModuleFields } from './parse-lsmod.js';
import type { LoadedModule } from './types.js';

export function parseProcModules(text: string): LoadedModule[] {
  const modules: LoadedModule[] = [];
  for (const line of text.split('\n')) {
    const parsed = parseModuleFields(line.trim().split(/\s+/).slice(0, 4));
    if (parsed) modules.push(parsed);
  }
  return modules;
}
