/** Asks apt (local lists, then the Debian mirror) for the guest's packages; downloads each .deb once into a cache. */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { debFileName, missingDepends, parseAptShow, pickNewestKernel, type PackageRecord } from './apt-records.js';
import { runCommand, runChecked } from './exec.js';
import { kernelPin, rootPackages, skippedDepends } from './pins.js';

const aptHint = 'run `apt-get update` first (apt-cache needs the package lists)';

async function showPackages(specs: string[]): Promise<PackageRecord[]> {
  const result = await runCommand('apt-cache', ['show', '--no-all-versions', ...specs]);
  const records = parseAptShow(result.stdout);
  if (result.exitCode !== 0 && records.length < specs.length) {
    throw new Error(`apt-cache show ${specs.join(' ')} failed: ${result.stderr.trim()}; ${aptHint}`);
  }
  return records;
}

/** The explicit root packages plus every shared-library package they depend on, transitively. */
export async function resolveRootPackages(): Promise<PackageRecord[]> {
  const records = new Map<string, PackageRecord>();
  let wanted: string[] = [...rootPackages];
  while (wanted.length > 0) {
    for (const record of await showPackages(wanted)) records.set(record.name, record);
    const unknown = wanted.filter((name) => !records.has(name));
    if (unknown.length > 0) throw new Error(`apt knows no package ${unknown.join(', ')}; ${aptHint}`);
    wanted = missingDepends(records, skippedDepends);
  }
  return [...records.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export interface KernelChoice {
  record: PackageRecord;
  /** Set when the pin was not available and another 6.1 cloud kernel was taken. */
  fallbackReason?: string;
}

export async function resolveKernel(): Promise<KernelChoice> {
  const pinned = await runCommand('apt-cache', ['show', `${kernelPin.packageName}=${kernelPin.version}`]);
  const record = parseAptShow(pinned.stdout)[0];
  if (pinned.exitCode === 0 && record) return { record };
  const search = await runChecked('apt-cache', [
    'search',
    '--names-only',
    '^linux-image-6\\.1\\.0-.*-cloud-amd64-unsigned$',
  ]);
  const names = search.split('\n').map((line) => line.split(' ')[0] ?? '');
  const newest = pickNewestKernel(names, kernelPin.fallbackPattern);
  if (!newest) throw new Error(`no Debian 6.1 cloud kernel package found; ${aptHint}`);
  const [fallback] = await showPackages([newest]);
  if (!fallback) throw new Error(`apt-cache show ${newest} returned nothing`);
  const fallbackReason = `pinned ${kernelPin.packageName}=${kernelPin.version} is not available; using ${fallback.name}=${fallback.version}`;
  return { record: fallback, fallbackReason };
}

/** Downloads the .debs not yet cached; returns the path of each, in the order given. */
export async function downloadDebs(records: PackageRecord[], debDir: string): Promise<string[]> {
  await mkdir(debDir, { recursive: true });
  const missing = records.filter((record) => !existsSync(join(debDir, debFileName(record))));
  if (missing.length > 0) {
    const specs = missing.map((record) => `${record.name}=${record.version}`);
    // The sandbox user cannot write into root's cache dir; the download is a plain file fetch either way.
    await runChecked('apt-get', ['download', '-q', '-o', 'APT::Sandbox::User=root', ...specs], { cwd: debDir });
  }
  return records.map((record) => {
    const path = join(debDir, debFileName(record));
    if (!existsSync(path)) throw new Error(`apt-get download did not produce ${path}`);
    return path;
  });
}
