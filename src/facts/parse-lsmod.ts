/** Parses kmod's `lsmod` (`Module Size Used by`, then `name size count holder,holder`). Pure. */
import type { LoadedModule } from './types.js';

const moduleName = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** The holders column: comma separated; `-` and bracketed flags such as `[permanent]` are not modules. */
export function parseHolders(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => moduleName.test(name));
}

/** One `name size count [holders]` line, or null when the line is not one. */
export function parseModuleFields(fields: string[]): LoadedModule | null {
  const [name, size, count, holders] = fields;
  if (!name || !moduleName.test(name) || !size || !/^\d+$/.test(size)) return null;
  if (!count || !/^(\d+|-)$/.test(count)) return null;
  return {
    name,
    sizeBytes: Number(size),
    useCount: count === '-' ? 0 : Number(count),
    usedBy: parseHolders(holders),
  };
}

export function parseLsmod(text: string): LoadedModule[] {
  const modules: LoadedModule[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === 'Module') continue;
    const parsed = parseModuleFields(fields);
    if (parsed) modules.push(parsed);
  }
  return modules;
}
