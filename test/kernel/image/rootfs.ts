/** Assembles the guest's root fs tree: extracted packages, busybox applets, config files, keys, kernel modules. */
import { chmod, lstat, mkdir, readdir, readFile, symlink, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { checkSharedLibraries } from './elf-check.js';
import { runChecked, runShell } from './exec.js';
import { installModules, selectModules, type KernelTree } from './kernel-tree.js';
import { rootExtraModules, rootModuleDirs } from './pins.js';
import {
  appletsToLink,
  mergedUsrLinks,
  rootDirs,
  rootFiles,
  rootLinks,
  type GuestFiles,
  type RootKeys,
} from './root-layout.js';

const guestFileNames: (keyof GuestFiles)[] = ['inittab', 'rcS', 'rcK', 'boot-lib.sh', 'sshd_config'];

export interface RootInputs {
  debFiles: string[];
  kernel: KernelTree;
  keys: RootKeys;
  guestDir: string;
}

export interface RootSummary {
  modulesInstalled: number;
  appletsLinked: number;
  elfFilesChecked: number;
}

export async function assembleRoot(root: string, inputs: RootInputs): Promise<RootSummary> {
  await createSkeleton(root);
  for (const deb of inputs.debFiles) await extractInto(deb, root);
  const appletsLinked = await linkBusyboxApplets(root);
  for (const link of rootLinks) await replaceWithLink(join(root, link.path), link.target);
  await writeRootFiles(root, inputs);
  const modules = selectModules(inputs.kernel, rootExtraModules, rootModuleDirs);
  await installModules(inputs.kernel, root, modules);
  await runChecked('ldconfig', ['-r', root]);
  const { filesChecked } = await checkSharedLibraries(root);
  return { modulesInstalled: modules.length, appletsLinked, elfFilesChecked: filesChecked };
}

async function createSkeleton(root: string): Promise<void> {
  await mkdir(root, { recursive: true });
  for (const link of mergedUsrLinks) {
    await mkdir(join(root, link.target), { recursive: true });
    await symlink(link.target, join(root, link.path));
  }
  for (const dir of rootDirs) {
    await mkdir(join(root, dir.path), { recursive: true });
    await chmod(join(root, dir.path), dir.mode);
  }
}

/** dpkg -x would replace the /bin → usr/bin links with directories; tar keeps them. */
function extractInto(deb: string, root: string): Promise<string> {
  return runShell('dpkg-deb --fsys-tarfile "$1" | tar -x --keep-directory-symlink -C "$2"', [deb, root]);
}

async function linkBusyboxApplets(root: string): Promise<number> {
  const busybox = join(root, 'usr/bin/busybox');
  const applets = (await runChecked(busybox, ['--list'])).split('\n').filter(Boolean);
  const existing = new Set([...(await readdir(join(root, 'usr/bin'))), ...(await readdir(join(root, 'usr/sbin')))]);
  const toLink = appletsToLink(applets, existing);
  for (const applet of toLink) await symlink('busybox', join(root, 'usr/bin', applet));
  return toLink.length;
}

async function replaceWithLink(path: string, target: string): Promise<void> {
  const present = await lstat(path).catch(() => null);
  if (present) await unlink(path);
  await mkdir(dirname(path), { recursive: true });
  await symlink(target, path);
}

async function writeRootFiles(root: string, inputs: RootInputs): Promise<void> {
  const guestFiles = {} as GuestFiles;
  for (const name of guestFileNames) guestFiles[name] = await readFile(join(inputs.guestDir, name), 'utf8');
  for (const file of rootFiles(inputs.keys, guestFiles)) {
    const path = join(root, file.path);
    const present = await lstat(path).catch(() => null);
    if (present?.isSymbolicLink()) await unlink(path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content, { mode: file.mode });
    await chmod(path, file.mode);
  }
}
