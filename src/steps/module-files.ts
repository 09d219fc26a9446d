/** The two boot files a MODULAR nf_conntrack needs for persisted values to take effect. */

export const modprobeConfPath = '/etc/modprobe.d/conntrack-fleet.conf';
export const modulesLoadPath = '/etc/modules-load.d/conntrack-fleet.conf';

const managedHeader = '# Managed by conntrack-fleet: edit the playbook, not this file.';

export function renderModprobeConf(hashsize: number): string {
  return [
    managedHeader,
    '# The conntrack hash table size (set_hashsize), applied whenever nf_conntrack loads.',
    `options nf_conntrack hashsize=${hashsize}`,
    '',
  ].join('\n');
}

export function renderModulesLoad(): string {
  return [
    managedHeader,
    '# Load nf_conntrack before systemd-sysctl runs: otherwise the net.netfilter.nf_conntrack_* values',
    '# are silently not applied at boot when the firewall autoloads the module later.',
    'nf_conntrack',
    '',
  ].join('\n');
}

/** The hashsize an existing modprobe.d file sets, for the report. */
export function readModprobeHashsize(text: string): number | null {
  const match = /^\s*options\s+nf_conntrack\s+(?:.*\s)?hashsize=(\d+)/m.exec(text);
  return match ? Number(match[1]) : null;
}
