/** What a lab host will apply at its next boot, asked of the REAL programs (not the tool): systemd-sysctl and kmod. */
import type { Lab } from '../lab/lab.js';
import { execOk } from './run-host-state.js';

/** The value `key` gets at boot: the last assignment systemd-sysctl --cat-config shows (sysctl.d(5) syntax). */
export async function bootSysctlValue(lab: Lab, host: string, key: string): Promise<string | null> {
  const text = await execOk(lab, host, '/usr/lib/systemd/systemd-sysctl --cat-config --no-pager');
  let value: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';') || !line.includes('=')) continue;
    const name = line.slice(0, line.indexOf('=')).trim().replace(/^-/, '').replaceAll('/', '.');
    if (name === key) value = line.slice(line.indexOf('=') + 1).trim();
  }
  return value;
}

/** The hashsize kmod passes when nf_conntrack loads: the last hashsize= of its `options nf_conntrack` lines (modprobe -c). */
export async function bootHashsize(lab: Lab, host: string): Promise<string | null> {
  // /sbin/modprobe is the real kmod (the lab's stand-ins live in /usr/local/sbin); -c only prints the merged config
  const text = await execOk(lab, host, "/sbin/modprobe -c | grep '^options nf_conntrack ' || true");
  const sizes = [...text.matchAll(/\bhashsize=(\d+)/g)].map((m) => m[1] ?? '');
  return sizes.length > 0 ? (sizes[sizes.length - 1] ?? null) : null;
}
