/** Pure: the files, links and directories the root fs gets besides the extracted packages. */

export interface FileEntry {
  path: string; // relative to the root
  content: string;
  mode: number;
}

export interface LinkEntry {
  path: string;
  target: string;
}

export interface DirEntry {
  path: string;
  mode: number;
}

export interface RootKeys {
  authorizedKey: string;
  hostPrivateKey: string;
  hostPublicKey: string;
}

/** Merged /usr as on Debian 12: /bin, /sbin, /lib, /lib64 are links into /usr. */
export const mergedUsrLinks: LinkEntry[] = ['bin', 'sbin', 'lib', 'lib64'].map((dir) => ({
  path: dir,
  target: `usr/${dir}`,
}));

export const rootDirs: DirEntry[] = [
  ...['usr/bin', 'usr/sbin', 'usr/lib', 'usr/lib64', 'proc', 'sys', 'dev', 'run', 'mnt', 'home'].map((path) => ({
    path,
    mode: 0o755,
  })),
  ...['etc/sysctl.d', 'etc/modprobe.d', 'etc/modules-load.d', 'etc/iptables', 'etc/init.d', 'etc/ssh'].map((path) => ({
    path,
    mode: 0o755,
  })),
  ...['var/log', 'var/lib/conntrack-fleet', 'var/lib/conntrack-fleet-test'].map((path) => ({ path, mode: 0o755 })),
  { path: 'tmp', mode: 0o1777 },
  { path: 'root', mode: 0o700 },
  { path: 'root/.ssh', mode: 0o700 },
];

/** Debian's alternatives and the links its maintainer scripts would have made. */
export const rootLinks: LinkEntry[] = [
  { path: 'usr/bin/awk', target: 'mawk' },
  { path: 'usr/sbin/init', target: '../bin/busybox' },
  { path: 'etc/sysctl.d/99-sysctl.conf', target: '../sysctl.conf' },
  { path: 'etc/modules-load.d/modules.conf', target: '../modules' },
  ...['iptables', 'iptables-save', 'iptables-restore', 'ip6tables', 'ip6tables-save', 'ip6tables-restore'].map(
    (tool) => ({
      path: `usr/sbin/${tool}`,
      target: `${tool}-nft`, // Debian's default; the guest boot switches to -legacy when /etc/iptables/backend says so
    }),
  ),
];

const sysctlConf = `#
# /etc/sysctl.conf - Configuration file for setting system variables
# See /etc/sysctl.d/ for additional system variables.
# See sysctl.conf (5) for information.
#
`;

const modulesFile = `# /etc/modules: kernel modules to load at boot time.
#
# This file contains the names of kernel modules that should be loaded
# at boot time, one per line. Lines beginning with "#" are ignored.
`;

export type GuestFiles = Record<'inittab' | 'rcS' | 'rcK' | 'boot-lib.sh' | 'sshd_config', string>;

export function rootFiles(keys: RootKeys, guestFiles: GuestFiles): FileEntry[] {
  return [
    { path: 'etc/passwd', mode: 0o644, content: passwd },
    { path: 'etc/group', mode: 0o644, content: 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' },
    {
      path: 'etc/shadow',
      mode: 0o640,
      content: 'root:*:19000:0:99999:7:::\nsshd:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n',
    },
    { path: 'etc/nsswitch.conf', mode: 0o644, content: 'passwd: files\ngroup: files\nshadow: files\nhosts: files\n' },
    { path: 'etc/hostname', mode: 0o644, content: 'vm1\n' },
    { path: 'etc/hosts', mode: 0o644, content: '127.0.0.1 localhost\n127.0.1.1 vm1\n' },
    { path: 'etc/fstab', mode: 0o644, content: '# the root is mounted by the initramfs\n' },
    { path: 'etc/ld.so.conf', mode: 0o644, content: 'include /etc/ld.so.conf.d/*.conf\n' },
    { path: 'etc/sysctl.conf', mode: 0o644, content: sysctlConf },
    { path: 'etc/modules', mode: 0o644, content: modulesFile },
    { path: 'etc/inittab', mode: 0o644, content: guestFiles.inittab },
    { path: 'etc/init.d/rcS', mode: 0o755, content: guestFiles.rcS },
    { path: 'etc/init.d/rcK', mode: 0o755, content: guestFiles.rcK },
    { path: 'usr/lib/conntrack-fleet-test/boot-lib.sh', mode: 0o644, content: guestFiles['boot-lib.sh'] },
    { path: 'etc/ssh/sshd_config', mode: 0o644, content: guestFiles.sshd_config },
    { path: 'etc/ssh/ssh_host_ed25519_key', mode: 0o600, content: keys.hostPrivateKey },
    { path: 'etc/ssh/ssh_host_ed25519_key.pub', mode: 0o644, content: keys.hostPublicKey },
    { path: 'root/.ssh/authorized_keys', mode: 0o600, content: keys.authorizedKey },
  ];
}

const passwd = `root:x:0:0:root:/root:/bin/bash
sshd:x:100:65534::/run/sshd:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
`;

/** Busybox applets to link: only where no package put a real tool (kmod's rmmod, procps' sysctl stay). */
export function appletsToLink(applets: string[], existing: ReadonlySet<string>): string[] {
  return applets.filter((name) => name !== 'busybox' && !existing.has(name) && /^[\w.[\]-]+$/.test(name));
}
