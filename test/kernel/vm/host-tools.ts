/** Whether this host can build and run the test machine; the reason when it cannot. */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Host commands the build and the VMs use, with the Debian package that provides each. */
export const hostTools: Record<string, string> = {
  'qemu-system-x86_64': 'qemu-system-x86',
  'qemu-img': 'qemu-utils',
  'mkfs.ext4': 'e2fsprogs',
  cpio: 'cpio',
  readelf: 'binutils',
  ssh: 'openssh-client',
  'ssh-keygen': 'openssh-client',
  'dpkg-deb': 'dpkg',
  'apt-get': 'apt',
  'apt-cache': 'apt',
  depmod: 'kmod',
  ldconfig: 'libc-bin',
  tar: 'tar',
  lz4: 'lz4',
};

export function findExecutable(name: string, path = process.env.PATH ?? ''): string | null {
  const dirs = [...path.split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs.filter(Boolean)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return null;
}

/** Pure: the skip reason for a host's facts, or null when the kernel tests can run. */
export function skipReasonFor(facts: {
  platform: string;
  uid: number;
  missingTools: string[];
  disabled: boolean;
}): string | null {
  if (facts.disabled) return 'kernel tests disabled by CONNTRACK_FLEET_SKIP_KERNEL';
  if (facts.platform !== 'linux') return `kernel tests need Linux (this is ${facts.platform})`;
  if (facts.uid !== 0) return 'kernel tests need root: mkfs.ext4 -d must give the guest files root ownership';
  if (facts.missingTools.length === 0) return null;
  const packages = [...new Set(facts.missingTools.map((tool) => hostTools[tool] ?? tool))].sort();
  return `missing ${facts.missingTools.join(', ')}: apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

export function kernelSkipReason(): string | null {
  return skipReasonFor({
    platform: process.platform,
    uid: process.getuid?.() ?? -1,
    missingTools: Object.keys(hostTools).filter((tool) => findExecutable(tool) === null),
    disabled: Boolean(process.env.CONNTRACK_FLEET_SKIP_KERNEL),
  });
}
