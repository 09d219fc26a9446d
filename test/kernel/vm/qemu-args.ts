/** Pure: the QEMU command line of one test VM. */
import type { Accel } from './accel.js';

export type Firewall = 'none' | 'masquerade-nft' | 'masquerade-legacy' | 'chain-loaded-nft' | 'chain-loaded-legacy';

export interface QemuPlan {
  accel: Accel;
  kernelFile: string;
  initrdFile: string;
  overlayFile: string;
  consoleFile: string;
  sshPort: number;
  firewall: Firewall;
  memoryMiB: number;
}

/**
 * A 128 MiB translation cache instead of TCG's 1 GiB default: with the default, the first boot after a busy SSH
 * session stalled ~30 s (measured: 3 of 3 runs; 0 of 18 reboots with 128 MiB).
 */
function accelArg(accel: Accel): string {
  return accel === 'tcg' ? 'tcg,tb-size=128' : accel;
}

/** No -no-reboot: a `reboot` in the guest resets the machine, which boots the same kernel and disk again. */
export function buildQemuArgs(plan: QemuPlan): string[] {
  const append = ['console=ttyS0', 'root=/dev/vda', `ctf.firewall=${plan.firewall}`].join(' ');
  // restrict=on: the guest reaches nothing; the one hostfwd rule lets the host reach its sshd on 127.0.0.1.
  const netdev = `user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:${plan.sshPort}-:22`;
  return [
    '-accel',
    accelArg(plan.accel),
    '-m',
    String(plan.memoryMiB),
    '-smp',
    '1',
    '-nodefaults',
    '-no-user-config',
    '-display',
    'none',
    '-serial',
    `file:${plan.consoleFile}`,
    '-kernel',
    plan.kernelFile,
    '-initrd',
    plan.initrdFile,
    '-append',
    append,
    '-drive',
    `file=${plan.overlayFile},if=virtio,format=qcow2`,
    '-netdev',
    netdev,
    '-device',
    'virtio-net-pci,netdev=net0',
  ];
}
