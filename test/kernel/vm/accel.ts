/** Chooses QEMU's accelerator: KVM when it can boot the Debian kernel here, else TCG (emulation), with the reason. */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../image/exec.js';

export type Accel = 'kvm' | 'tcg';

export interface AccelChoice {
  accel: Accel;
  reason: string;
}

let chosen: Promise<AccelChoice> | undefined;

/** Memoized per process; CONNTRACK_FLEET_ACCEL=kvm|tcg forces one. */
export function chooseAccel(kernelFile: string): Promise<AccelChoice> {
  chosen ??= probeAccel(kernelFile);
  return chosen;
}

async function probeAccel(kernelFile: string): Promise<AccelChoice> {
  const forced = process.env.CONNTRACK_FLEET_ACCEL;
  if (forced === 'kvm' || forced === 'tcg') return { accel: forced, reason: 'forced by CONNTRACK_FLEET_ACCEL' };
  if (!isReadWrite('/dev/kvm')) return { accel: 'tcg', reason: '/dev/kvm is missing or not usable' };
  // PVM (kvm_pvm) runs only guest kernels built for it; a stock Debian kernel hangs while decompressing.
  if (existsSync('/sys/module/kvm_pvm'))
    return { accel: 'tcg', reason: 'KVM here is kvm_pvm, which cannot run a stock Debian kernel' };
  return (await kernelStartsUnderKvm(kernelFile))
    ? { accel: 'kvm', reason: '/dev/kvm boots the kernel' }
    : { accel: 'tcg', reason: 'the kernel printed nothing within 8 s under KVM' };
}

function isReadWrite(path: string): boolean {
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** A working KVM gets the kernel to its first console line in well under a second; with no root it panics and QEMU exits. */
async function kernelStartsUnderKvm(kernelFile: string): Promise<boolean> {
  const dir = await mkdtemp(join(tmpdir(), 'conntrack-fleet-kvm-probe-'));
  const consoleFile = join(dir, 'console.log');
  try {
    const args = [
      '-accel',
      'kvm',
      '-m',
      '256',
      '-nodefaults',
      '-no-user-config',
      '-display',
      'none',
      '-serial',
      `file:${consoleFile}`,
      '-no-reboot',
    ];
    const append = 'console=ttyS0 panic=1';
    await runCommand('qemu-system-x86_64', [...args, '-kernel', kernelFile, '-append', append], { timeoutMs: 8000 });
    return existsSync(consoleFile) && readFileSync(consoleFile, 'utf8').includes('Linux version');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
