/** Helpers shared by the kernel test files: timings, checked ssh, the guest's module graph. */
import type { Vm } from './vm.js';
import { parseProcModules, type LoadedModule } from './vm/proc-modules.js';

/** Runs FN and prints how long it took, so every run shows build, boot and reboot times. */
export async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const startedMs = Date.now();
  try {
    return await fn();
  } finally {
    console.log(`kernel-timing: ${label} ${((Date.now() - startedMs) / 1000).toFixed(1)}s`);
  }
}

/** Runs a script in the guest; a non-zero exit is an error carrying stderr. */
export async function sshOk(vm: Vm, script: string): Promise<string> {
  const result = await vm.ssh(script);
  if (result.exitCode !== 0)
    throw new Error(`guest script exited ${result.exitCode}: ${result.stderr.trim()}\n--- script:\n${script}`);
  return result.stdout;
}

export async function readModules(vm: Vm): Promise<LoadedModule[]> {
  return parseProcModules(await sshOk(vm, 'cat /proc/modules'));
}

export async function readNumber(vm: Vm, path: string): Promise<number> {
  const text = (await sshOk(vm, `cat ${path}`)).trim();
  const value = Number(text);
  if (!Number.isInteger(value)) throw new Error(`${path} holds ${JSON.stringify(text)}, not an integer`);
  return value;
}

/** Lines the guest's boot script logged in its latest boot (/run is a fresh tmpfs each boot). */
export async function readBootLog(vm: Vm): Promise<string> {
  return sshOk(vm, 'cat /run/ctf-boot.log');
}
