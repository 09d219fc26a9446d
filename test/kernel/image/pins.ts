/** What goes into the guest: pinned kernel and the Debian packages whose files make up the root fs. */

/**
 * The kernel, pinned: found with `apt-cache madison 'linux-image-6.1*-cloud-amd64-unsigned'` on Debian 12
 * (bookworm main, point release 12.11+). When a later point release drops it from the archive, the build
 * falls back to the newest 6.1 cloud kernel apt knows and says so.
 */
export const kernelPin = {
  packageName: 'linux-image-6.1.0-50-cloud-amd64-unsigned',
  version: '6.1.176-1',
  /** Used only when the pin is no longer downloadable. */
  fallbackPattern: /^linux-image-6\.1\.0-\d+-cloud-amd64-unsigned$/,
} as const;

/** Packages extracted into the root fs; their `lib*` Depends are added by apt.ts. */
export const rootPackages = [
  'base-files', // /etc/os-release, as a real server has
  'netbase', // /etc/protocols: iptables resolves `-p tcp` with it
  'libc6',
  'busybox-static', // init, ip, reboot and the small tools nothing else provides
  'dash', // /bin/sh as on Debian
  'bash', // root's login shell as on Debian
  'coreutils',
  'util-linux', // flock, used by the CLI's host lock
  'grep',
  'sed',
  'mawk',
  'findutils',
  'diffutils',
  'kmod',
  'procps',
  'iptables',
  'nftables',
  'openssh-server',
  'openssh-client',
  'openssh-sftp-server',
] as const;

/** Depends that are never followed: maintainer-script machinery, not needed to run the binaries. */
export const skippedDepends = new Set(['libpam-runtime', 'libdebconfclient0', 'libc-bin']);

/** Modules the initramfs loads, in dependency order computed at build (ext4 is built into this kernel). */
export const initramfsModules = ['virtio_pci', 'virtio_blk', 'virtio_net'] as const;

/** Module-tree directories copied to the root fs: all of netfilter lives under kernel/net. */
export const rootModuleDirs = ['kernel/net', 'kernel/lib', 'kernel/crypto', 'kernel/drivers/virtio'] as const;

/** Single modules copied too; the dependency closure of everything copied is added. */
export const rootExtraModules = ['virtio_net', 'virtio_blk', 'virtio_rng'] as const;
