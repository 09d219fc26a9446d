/**
 * Which conntrack knob a sysctl name sets, across the names kernels have used (kernel-facts.md "Names across
 * kernels"). The lowest layer: the playbook validates names with it, the planners use it. Pure.
 */

/** Every sysctl name of nf_conntrack_max: modern, the init-netns alias, the compat key removed around 4.9. */
export const maxKeys = [
  'net.netfilter.nf_conntrack_max',
  'net.nf_conntrack_max',
  'net.ipv4.netfilter.ip_conntrack_max',
];
const modernPrefix = 'net.netfilter.nf_conntrack_';
const compatPrefix = 'net.ipv4.netfilter.ip_conntrack_';

/** `max`, `hashsize` or a timeout name (udp_timeout) from any spelling a playbook's `remove:` may use; null if none. */
export function knobIdOfName(name: string): string | null {
  const key = name.trim().replaceAll('/', '.');
  if (key === 'hashsize' || key === 'nf_conntrack.hashsize') return 'hashsize';
  const id = knobIdOf(key) ?? knobIdOf(`${modernPrefix}${key.replace(/^nf_conntrack_/, '')}`);
  return id !== null && /^(max|[a-z0-9_]*timeout[a-z0-9_]*)$/.test(id) ? id : null;
}

/** The knob a sysctl key sets (`max`, `tcp_timeout_established`), or null for a key that is not a conntrack knob. */
export function knobIdOf(key: string): string | null {
  if (maxKeys.includes(key)) return 'max';
  for (const prefix of [modernPrefix, compatPrefix]) {
    if (key.startsWith(prefix) && /^[a-z0-9_]+$/.test(key.slice(prefix.length))) return key.slice(prefix.length);
  }
  return null;
}

/** Names that still set the knob on this kernel: the dead ip_conntrack_* names set nothing after ~4.9. */
export function isLiveKey(key: string, compatSysctls: boolean): boolean {
  return compatSysctls || !key.startsWith(compatPrefix);
}

/** Every sysctl name of the knob `id` (knobIdOf's result): what another file may still set it by. */
export function keysOfKnob(id: string): string[] {
  return id === 'max' ? maxKeys : [modernPrefix + id, compatPrefix + id];
}

/**
 * A sysctl key as sysctl.d(5) and systemd-sysctl read it: blanks and a leading `-` (ignore errors) are not part of it;
 * dots separate the components unless the first separator is a slash, then slashes separate and dots are part of a
 * name, so `/` and `.` are swapped (`net/ipv4/conf/eth0.10/forwarding` → `net.ipv4.conf.eth0/10.forwarding`, a VLAN
 * interface). Leading separators are dropped (`/net/x` → `net.x`). Source: sysctl.d(5), systemd's sysctl_normalize().
 */
export function normalizeSysctlKey(raw: string): string {
  const key = raw.trim().replace(/^-/, '').trim();
  const firstSlash = key.indexOf('/');
  const firstDot = key.indexOf('.');
  if (firstSlash === -1 || (firstDot !== -1 && firstDot < firstSlash)) return key;
  return swapSeparators(key).replace(/^\.+/, '');
}

function swapSeparators(text: string): string {
  return text.replace(/[./]/g, (c) => (c === '/' ? '.' : '/'));
}

/** The sysctl key of a path under /proc/sys (given without that prefix): every `/` separates, dots are names. */
export function sysctlKeyOfProcPath(relativePath: string): string {
  return swapSeparators(relativePath.replace(/^\/+/, ''));
}
