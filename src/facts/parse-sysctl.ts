/** Parses `key = value` sysctl lines (`sysctl -a`, sysctl.conf) and `path:value` lines (`grep . /proc/sys/…`). Pure. */
import { normalizeSysctlKey, sysctlKeyOfProcPath } from '../kernel/sysctl-keys.js';

export interface SysctlLine {
  /** Normalised with dots: net.netfilter.nf_conntrack_max. */
  key: string;
  value: string;
  /** A leading `-`: systemd-sysctl ignores a failure to write this key. */
  ignoreErrors: boolean;
}

/** One `key = value` line, or null for blank lines, comments and lines without `=`. */
export function parseSysctlLine(raw: string): SysctlLine | null {
  const line = raw.trim();
  if (!line || line.startsWith('#') || line.startsWith(';')) return null;
  const equals = line.indexOf('=');
  if (equals === -1) return null;
  const ignoreErrors = line.startsWith('-');
  const key = normalizeSysctlKey(line.slice(0, equals));
  if (!key || /\s/.test(key)) return null;
  return { key, value: line.slice(equals + 1).trim(), ignoreErrors };
}

/** `sysctl -a` output as key → value; a later line for the same key wins. */
export function parseSysctlOutput(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const parsed = parseSysctlLine(raw);
    if (parsed) values[parsed.key] = parsed.value;
  }
  return values;
}

/** `grep . /dev/null /proc/sys/…` output (`/proc/sys/a/b:value`) as sysctl key → value. */
export function parseProcSysGrep(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const match = /^\/proc\/sys\/([^:\s]+):(.*)$/.exec(raw.trim());
    if (match?.[1]) values[sysctlKeyOfProcPath(match[1])] = (match[2] ?? '').trim();
  }
  return values;
}
