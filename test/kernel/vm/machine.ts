/** One test VM: a QEMU process on a copy-on-write overlay of the base image, reached over SSH on 127.0.0.1. */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheRoot } from '../image/cache.js';
import { runChecked } from '../image/exec.js';
import type { ImageInfo } from '../image/build.js';
import { chooseAccel, type Accel } from './accel.js';
import { waitForSshBanner } from './banner.js';
import { countBoots, findFatalLine, keepConsoleLog } from './console.js';
import { renderInventory, renderKnownHosts } from './host-files.js';
import { findFreePort } from './ports.js';
import { markOwner, removeStaleVmDirs } from './stale-vms.js';
import { buildQemuArgs, type Firewall } from './qemu-args.js';
import { exitReason, killQemu, spawnQemu } from './qemu-process.js';
import { runSsh } from './ssh-client.js';

export interface Vm {
  port: number;
  knownHostsFile: string;
  privateKeyFile: string;
  inventoryFile: string;
  accel: Accel;
  /** From QEMU start to the SSH banner. */
  bootMs: number;
  ssh(script: string): Promise<{ stdout: string; stderr: string; exitCode: number | null }>;
  /** Reboots the guest from inside (`reboot`) and returns when the new boot answers SSH. */
  reboot(): Promise<void>;
  stop(): Promise<void>;
  consoleLog(): string;
}

export interface StartVmOptions {
  firewall?: Firewall;
  /** Boot and reboot limit; 10 s on a quiet machine with KVM, much more under TCG and load. */
  bootTimeoutMs?: number;
  memoryMiB?: number;
}

export async function startVm(image: ImageInfo, options: StartVmOptions = {}): Promise<Vm> {
  const { accel } = await chooseAccel(image.kernelFile);
  // Under the cache, not /tmp: a VM's overlay must outlive any /tmp cleaning by other tools.
  const vmsDir = join(cacheRoot(), 'vms');
  await mkdir(vmsDir, { recursive: true });
  await removeStaleVmDirs(vmsDir);
  const dir = await mkdtemp(join(vmsDir, 'vm-'));
  await markOwner(dir);
  const overlayFile = join(dir, 'overlay.qcow2');
  await runChecked('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', image.rootImageFile, overlayFile]);
  const timeoutMs = options.bootTimeoutMs ?? 120_000;
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const port = await findFreePort();
    const consoleFile = join(dir, 'console.log');
    await rm(consoleFile, { force: true });
    const plan = {
      accel,
      kernelFile: image.kernelFile,
      initrdFile: image.initrdFile,
      overlayFile,
      consoleFile,
      sshPort: port,
    };
    const args = buildQemuArgs({ ...plan, firewall: options.firewall ?? 'none', memoryMiB: options.memoryMiB ?? 512 });
    const startedMs = Date.now();
    const child = spawnQemu(args, join(dir, 'qemu.log'));
    const abortReason = (): string | null => exitReason(child, dir) ?? findFatalLine(readText(consoleFile));
    try {
      await waitForBoots(consoleFile, 1, timeoutMs, abortReason);
      await waitForSshBanner(port, { timeoutMs: Math.max(1000, startedMs + timeoutMs - Date.now()), abortReason });
      return await describeVm({
        image,
        dir,
        port,
        consoleFile,
        child,
        accel,
        bootMs: Date.now() - startedMs,
        timeoutMs,
      });
    } catch (error) {
      lastError = error;
      await killQemu(child);
      // Another process may have taken the port between our probe and QEMU's bind: try another.
      if (!readText(join(dir, 'qemu.log')).includes('hostfwd')) break;
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error('the test VM did not come up', { cause: lastError });
}

interface VmParts {
  image: ImageInfo;
  dir: string;
  port: number;
  consoleFile: string;
  child: ChildProcess;
  accel: Accel;
  bootMs: number;
  timeoutMs: number;
}

async function describeVm(parts: VmParts): Promise<Vm> {
  const knownHostsFile = join(parts.dir, 'known_hosts');
  const inventoryFile = join(parts.dir, 'inventory.yml');
  const privateKeyFile = parts.image.privateKeyFile;
  await writeFile(knownHostsFile, renderKnownHosts(parts.port, parts.image.hostPublicKey));
  await writeFile(
    inventoryFile,
    renderInventory({ hostName: 'vm1', sshPort: parts.port, privateKeyFile, knownHostsFile }),
  );
  const target = { port: parts.port, privateKeyFile, knownHostsFile };
  let stoppedLog: string | null = null;
  const consoleLog = (): string => stoppedLog ?? readText(parts.consoleFile);
  const abortReason = (): string | null => exitReason(parts.child, parts.dir) ?? findFatalLine(consoleLog());
  return {
    port: parts.port,
    knownHostsFile,
    privateKeyFile,
    inventoryFile,
    accel: parts.accel,
    bootMs: parts.bootMs,
    ssh: (script) => runSsh(target, script),
    consoleLog,
    async reboot() {
      const bootsBefore = countBoots(consoleLog());
      // Detached with a delay, so this ssh session ends cleanly before sshd is killed.
      const result = await runSsh(target, '(sleep 0.5; reboot) > /dev/null 2>&1 < /dev/null &\n');
      if (result.exitCode !== 0) throw new Error(`reboot over ssh failed (${result.exitCode}): ${result.stderr}`);
      await waitForBoots(parts.consoleFile, bootsBefore + 1, parts.timeoutMs, abortReason);
      await waitForSshBanner(parts.port, { timeoutMs: parts.timeoutMs, abortReason });
    },
    async stop() {
      if (stoppedLog !== null) return;
      await killQemu(parts.child);
      stoppedLog = readText(parts.consoleFile);
      const stamp = new Date().toISOString().replaceAll(':', '-');
      await keepConsoleLog(parts.consoleFile, join(cacheRoot(), 'logs'), `${stamp}-port${parts.port}`);
      await rm(parts.dir, { recursive: true, force: true });
    },
  };
}

function readText(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

async function waitForBoots(
  consoleFile: string,
  boots: number,
  timeoutMs: number,
  abortReason: () => string | null,
): Promise<void> {
  const deadlineMs = Date.now() + timeoutMs;
  while (countBoots(readText(consoleFile)) < boots) {
    const reason = abortReason();
    if (reason) throw new Error(`the guest cannot boot: ${reason}`);
    if (Date.now() > deadlineMs)
      throw new Error(`boot ${boots} not finished within ${timeoutMs} ms; console: ${consoleFile}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
