/** Builds (or finds in the cache) the guest image: kernel, initramfs, qcow2 root disk, keys. Idempotent by content key. */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { downloadDebs, resolveKernel, resolveRootPackages } from './apt.js';
import { cacheRoot, computeImageKey, pruneImages } from './cache.js';
import { makeRootDisk } from './disk.js';
import { buildInitramfs } from './initramfs.js';
import { extractKernel } from './kernel-tree.js';
import { extractPvhKernel } from './pvh-kernel.js';
import { ensureClientKey, generateHostKey } from './keys.js';
import { resolveCached } from './resolution-cache.js';
import { assembleRoot } from './rootfs.js';

export interface ImageInfo {
  dir: string;
  key: string;
  /** `uname -r` in the guest. */
  kernelRelease: string;
  /** name=version of the Debian kernel package. */
  kernelPackage: string;
  /** vmlinux booted through PVH when it could be extracted, else the bzImage. */
  kernelFile: string;
  initrdFile: string;
  /** The qcow2 base image; VMs run from overlays of it. */
  rootImageFile: string;
  privateKeyFile: string;
  /** `ssh-ed25519 AAAA… root@vm1`, for known_hosts files. */
  hostPublicKey: string;
  packages: string[];
  /** False when the image came from the cache. */
  builtNow: boolean;
  buildMs: number;
  phasesMs: Record<string, number>;
}

const sourceDir = dirname(fileURLToPath(import.meta.url));
const rootDiskMiB = 1024;

type Log = (line: string) => void;

async function timePhase<T>(phases: Record<string, number>, name: string, log: Log, run: () => Promise<T>): Promise<T> {
  const startedMs = Date.now();
  const result = await run();
  phases[name] = Date.now() - startedMs;
  log(`kernel-image: ${name} ${(phases[name] / 1000).toFixed(1)}s`);
  return result;
}

export async function buildImage(log: Log = (line) => console.log(line)): Promise<ImageInfo> {
  const startedMs = Date.now();
  const phases: Record<string, number> = {};
  const cacheDir = cacheRoot();
  await mkdir(cacheDir, { recursive: true });
  const { kernel, packages } = await timePhase(phases, 'resolve', log, () =>
    resolveCached(cacheDir, join(sourceDir, 'pins.ts'), async () => ({
      kernel: await resolveKernel(),
      packages: await resolveRootPackages(),
    })),
  );
  if (kernel.fallbackReason) log(`kernel-image: WARNING ${kernel.fallbackReason}`);
  const clientKey = await ensureClientKey(cacheDir);
  const specs = packages.map((record) => `${record.name}=${record.version}`);
  const kernelSpec = `${kernel.record.name}=${kernel.record.version}`;
  const key = await computeImageKey(sourceDir, [kernelSpec, ...specs, clientKey.publicKey]);
  const dir = join(cacheDir, 'images', key);
  const cached = await readCachedImage(dir);
  if (cached) return { ...cached, builtNow: false, buildMs: Date.now() - startedMs, phasesMs: phases };

  const work = `${dir}.partial-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const debDir = join(cacheDir, 'debs');
  const [kernelDeb, ...rootDebs] = await timePhase(phases, 'download', log, () =>
    downloadDebs([kernel.record, ...packages], debDir),
  );
  const tree = await timePhase(phases, 'kernel', log, () => extractKernel(kernelDeb!, join(work, 'kernel')));
  const hostKey = await generateHostKey(work);
  const keys = {
    authorizedKey: clientKey.publicKey,
    hostPrivateKey: await readFile(hostKey.privateKeyFile, 'utf8'),
    hostPublicKey: hostKey.publicKey,
  };
  const rootDir = join(work, 'root');
  const summary = await timePhase(phases, 'rootfs', log, () =>
    assembleRoot(rootDir, { debFiles: rootDebs, kernel: tree, keys, guestDir: join(sourceDir, 'guest') }),
  );
  log(
    `kernel-image: rootfs has ${summary.modulesInstalled} modules, ${summary.appletsLinked} busybox applets, ${summary.elfFilesChecked} ELF files checked`,
  );
  const initramfsInputs = {
    kernel: tree,
    busyboxFile: join(rootDir, 'usr/bin/busybox'),
    initScriptFile: join(sourceDir, 'guest/initramfs-init.sh'),
  };
  await timePhase(phases, 'initramfs', log, () =>
    buildInitramfs(join(work, 'initramfs'), join(work, 'initrd.img'), initramfsInputs),
  );
  await timePhase(phases, 'disk', log, () =>
    makeRootDisk(rootDir, join(work, 'root.raw'), join(work, 'root.qcow2'), rootDiskMiB),
  );
  await copyFile(tree.vmlinuzFile, join(work, 'vmlinuz'));
  const pvh = await extractPvhKernel(tree.vmlinuzFile, join(work, 'vmlinux'));
  if (!pvh) {
    log('kernel-image: WARNING no PVH kernel could be extracted; booting the bzImage (resets can stall under TCG)');
    await rm(join(work, 'vmlinux'), { force: true });
  }
  await Promise.all(
    ['kernel', 'root', 'initramfs'].map((name) => rm(join(work, name), { recursive: true, force: true })),
  );

  const info: ImageInfo = {
    dir,
    key,
    kernelRelease: tree.release,
    kernelPackage: kernelSpec,
    kernelFile: join(dir, pvh ? 'vmlinux' : 'vmlinuz'),
    initrdFile: join(dir, 'initrd.img'),
    rootImageFile: join(dir, 'root.qcow2'),
    privateKeyFile: clientKey.privateKeyFile,
    hostPublicKey: hostKey.publicKey.trim(),
    packages: specs,
    builtNow: true,
    buildMs: Date.now() - startedMs,
    phasesMs: phases,
  };
  await writeFile(join(work, 'image.json'), `${JSON.stringify(info, null, 2)}\n`);
  await publish(work, dir);
  await pruneImages(join(cacheDir, 'images'), 2);
  log(`kernel-image: built ${key} (${kernelSpec}) in ${(info.buildMs / 1000).toFixed(1)}s → ${dir}`);
  return info;
}

async function readCachedImage(dir: string): Promise<ImageInfo | null> {
  const file = join(dir, 'image.json');
  if (!existsSync(file)) return null;
  return JSON.parse(await readFile(file, 'utf8')) as ImageInfo;
}

/** Another process may have finished the same key first; its image is as good as ours. */
async function publish(work: string, dir: string): Promise<void> {
  try {
    await rename(work, dir);
  } catch (error) {
    if (!existsSync(join(dir, 'image.json'))) throw new Error(`cannot publish image ${dir}`, { cause: error });
    await rm(work, { recursive: true, force: true });
  }
}
