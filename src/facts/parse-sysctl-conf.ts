/** Finds the lines of a sysctl.conf / sysctl.d file that set a conntrack key. Pure. */
import { parseSysctlLine } from './parse-sysctl.js';
import type { SysctlSetting } from './types.js';

export function isConntrackKey(key: string): boolean {
  return key.includes('conntrack');
}

export function parseSysctlConf(text: string, file: string): SysctlSetting[] {
  const settings: SysctlSetting[] = [];
  text.split('\n').forEach((raw, index) => {
    const parsed = parseSysctlLine(raw);
    if (parsed && isConntrackKey(parsed.key)) settings.push({ file, line: index + 1, key: parsed.key, value: parsed.value });
  });
  return settings;
}
