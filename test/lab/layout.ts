/** Where every file of a lab lives, and where each stand-in is mounted inside a host: pure path arithmetic. */
import path from 'node:path';

export type KnobName = 'max' | 'buckets' | 'hashsize' | 'count';

export interface LabPaths {
  dir: string;
  stateFile: string;
  privateKeyFile: string;
  publicKeyFile: string;
  authorizedKeysFile: string;
  hostsDir: string;
}

export interface HostPaths {
  dir: string;
  /** Full copy of the machine's /etc, bind-mounted over /etc. */
  etcDir: string;
  knobsDir: string;
  /** The /proc/net/stat/nf_conntrack stand-in; sshd exports its path as CONNTRACK_FLEET_STAT_FILE. */
  statFile: string;
  /** Bind-mounted over /usr/local/sbin: the kmod stand-ins and their state. */
  sbinDir: string;
  moduleStateDir: string;
  /** Bind-mounted over /root, so the machine's dotfiles never run in a lab session. */
  rootHomeDir: string;
  /** Bind-mounted over /var/lib/conntrack-fleet. */
  toolStateDir: string;
  varLibUpperDir: string;
  varLibWorkDir: string;
  hostKeyFile: string;
  hostPublicKeyFile: string;
  sshdConfigFile: string;
  holderLogFile: string;
  listenerLogFile: string;
  sshdLogFile: string;
}

/** Inside a host, the file each knob stand-in covers. */
export const knobMountPoints: Record<KnobName, string> = {
  max: '/proc/sys/net/netfilter/nf_conntrack_max',
  buckets: '/proc/sys/net/netfilter/nf_conntrack_buckets',
  count: '/proc/sys/net/netfilter/nf_conntrack_count',
  hashsize: '/sys/module/nf_conntrack/parameters/hashsize',
};

/** Only the initial netns registers it; it is the same kernel variable as nf_conntrack_max. */
export const legacyMaxMountPoint = '/proc/sys/net/nf_conntrack_max';

/** buckets and hashsize share one file because the kernel exposes one variable (the table size) through both. */
export function knobFileName(knob: KnobName): string {
  return knob === 'buckets' || knob === 'hashsize' ? 'table-size' : knob;
}

export function labPathsFor(dir: string): LabPaths {
  const absolute = path.resolve(dir);
  return {
    dir: absolute,
    stateFile: path.join(absolute, 'state.json'),
    privateKeyFile: path.join(absolute, 'id_ed25519'),
    publicKeyFile: path.join(absolute, 'id_ed25519.pub'),
    authorizedKeysFile: path.join(absolute, 'authorized_keys'),
    hostsDir: path.join(absolute, 'hosts'),
  };
}

export function hostPathsFor(lab: LabPaths, hostName: string): HostPaths {
  const dir = path.join(lab.hostsDir, hostName);
  const sbinDir = path.join(dir, 'sbin');
  return {
    dir,
    etcDir: path.join(dir, 'etc'),
    knobsDir: path.join(dir, 'knobs'),
    statFile: path.join(dir, 'stat_nf_conntrack'),
    sbinDir,
    moduleStateDir: path.join(sbinDir, '.lab-kmod'),
    rootHomeDir: path.join(dir, 'root'),
    toolStateDir: path.join(dir, 'conntrack-fleet'),
    varLibUpperDir: path.join(dir, 'var-lib', 'upper'),
    varLibWorkDir: path.join(dir, 'var-lib', 'work'),
    hostKeyFile: path.join(dir, 'ssh_host_ed25519_key'),
    hostPublicKeyFile: path.join(dir, 'ssh_host_ed25519_key.pub'),
    sshdConfigFile: path.join(dir, 'sshd_config'),
    holderLogFile: path.join(dir, 'holder.log'),
    listenerLogFile: path.join(dir, 'listener.log'),
    sshdLogFile: path.join(dir, 'sshd.log'),
  };
}

/** socat splits its EXEC address on spaces and `:,!`; sshd_config and the overlay options on spaces and commas. */
export function unsafeLabDirReason(dir: string): string | null {
  const absolute = path.resolve(dir);
  return /^[A-Za-z0-9_/.+-]+$/.test(absolute)
    ? null
    : `lab directory ${JSON.stringify(absolute)} may only contain letters, digits and _ / . + -`;
}

export function hostNamesFor(count: number, prefix: string): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}${index + 1}`);
}
