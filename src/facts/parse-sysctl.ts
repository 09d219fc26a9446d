/** Parses `key = value` sysctl lines (`sysctl -a`, sysctl.conf) and `path:value` lines (`grep . /proc/sys/…`). Pure. */

export interface SysctlLine {
  /** Normalised with dots: net.netfilter.nf_conntrack_max. */
  key: string;
  value: string;
  /** A leading `-`: systemd-sysctl ignores a failure to write this key. */
  ignoreErrors: boolean;
}

/**
 * Dots are the separator unless the first separator is a slash; then slashes separate and dots are part of a
 * name (systemd-sysctl's rule, e.g. net/ipv4/conf/eth0.10/forwarding).
 */
export function normaliseSysctlKey(key: string): string {
  const firstSlash = key.indexOf('/');
  const firstDot = key.indexOf('.');
  if (firstSlash === -1 || (firstDot !== -1 && firstDot < firstSlash)) return key;
  return key.replace(/[./]/g, (c) => (c === '/' ? '.' : '/')).replace(/^\.+/, '');
}

/** One `key = value` line, or null for blank lines, comments and lines without `=`. */
export function parseSysctlLine(raw: string): SysctlLine | null {
  const line = raw.trim();
  if (!line || line.startsWith('#') || line.startsWith(';')) return null;
  const equals = line.indexOf('=');
  if (equals === -1) return null;
  const ignoreErrors = line.startsWith('-');
  const key = line.slice(ignoreErrors ? 1 : 0, equals).trim();
  if (!key || /\s/.test(key)) return null;
  return { key: normaliseSysctlKey(key), value: line.slice(equals + 1).trim(), ignoreErrors };
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
    if (match?.[1]) values[match[1].replaceAll('/', '.')] = (match[2] ?? '').trim();
  }
  return values;
}
