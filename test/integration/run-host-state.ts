/** Reads a lab host's state DIRECTLY (lab.exec, nsenter), never through the tool: /etc, knobs, modules. */
import assert from 'node:assert/strict';
import type { Lab } from '../lab/lab.js';

export async function execOk(lab: Lab, host: string, script: string): Promise<string> {
  const result = await lab.exec(host, script);
  assert.equal(result.exitCode, 0, `${host}: \`${script}\` failed (${result.exitCode}): ${result.stderr}`);
  return result.stdout;
}

export interface EtcEntry {
  /** find %y: f, d, l… */
  type: string;
  inode: string;
  mtime: string;
  mode: string;
  owner: string;
  linkTarget: string;
  sha256: string | null;
}

/** Every path under /etc (directories, files, links). */
export type EtcSnapshot = Map<string, EtcEntry>;

const etcScript = [
  "find /etc -printf '%y\\t%i\\t%T@\\t%m\\t%U:%G\\t%l\\t%p\\n'",
  'echo @@sha256',
  'find /etc -type f -exec sha256sum {} +',
].join('\n');

export async function snapshotEtc(lab: Lab, host: string): Promise<EtcSnapshot> {
  const [listing = '', sums = ''] = (await execOk(lab, host, etcScript)).split('@@sha256\n');
  const snapshot: EtcSnapshot = new Map();
  for (const line of listing.split('\n').filter(Boolean)) {
    const [type = '', inode = '', mtime = '', mode = '', owner = '', linkTarget = '', ...rest] = line.split('\t');
    snapshot.set(rest.join('\t'), { type, inode, mtime, mode, owner, linkTarget, sha256: null });
  }
  for (const line of sums.split('\n').filter(Boolean)) {
    const match = /^([0-9a-f]{64}) {2}(.*)$/.exec(line);
    const entry = match ? snapshot.get(match[2] ?? '') : undefined;
    assert.ok(match && entry, `${host}: unexpected sha256sum line ${JSON.stringify(line)}`);
    entry.sha256 = match[1] ?? null;
  }
  assert.ok(
    snapshot.size > 100 && snapshot.has('/etc/sysctl.conf'),
    `${host}: /etc snapshot looks wrong (${snapshot.size} paths)`,
  );
  return snapshot;
}

/** What "byte-identical" means for a rollback: same paths, content, mode, owner, link targets (inode and mtime may differ). */
export const contentFields: (keyof EtcEntry)[] = ['type', 'sha256', 'mode', 'owner', 'linkTarget'];
/** What "wrote nothing" means: not even a rename or touch, so inode and mtime too (directories' mtimes catch temp files). */
export const allFields: (keyof EtcEntry)[] = ['type', 'sha256', 'mode', 'owner', 'linkTarget', 'inode', 'mtime'];

/** Human-readable differences; [] when equal in the given fields. */
export function diffEtc(before: EtcSnapshot, after: EtcSnapshot, fields: (keyof EtcEntry)[]): string[] {
  const out: string[] = [];
  for (const [file, was] of before) {
    const now = after.get(file);
    if (!now) {
      out.push(`${file}: removed`);
      continue;
    }
    const changed = fields.filter((field) => was[field] !== now[field]);
    if (changed.length > 0) out.push(`${file}: ${changed.map((f) => `${f} ${was[f]} → ${now[f]}`).join(', ')}`);
  }
  for (const file of after.keys()) if (!before.has(file)) out.push(`${file}: created`);
  return out;
}

export const knobPaths = {
  max: '/proc/sys/net/netfilter/nf_conntrack_max',
  buckets: '/proc/sys/net/netfilter/nf_conntrack_buckets',
  hashsize: '/sys/module/nf_conntrack/parameters/hashsize',
} as const;

const timeoutGlob = '/proc/sys/net/netfilter/nf_conntrack_*timeout*';

/** max, buckets, hashsize and every timeout (by short name, e.g. tcp_timeout_established) as the host shows them now. */
export async function readKnobs(lab: Lab, host: string): Promise<Record<string, string>> {
  const named = Object.entries(knobPaths).map(([name, file]) => `printf '%s=%s\\n' ${name} "$(cat ${file})"`);
  const timeouts = `for f in ${timeoutGlob}; do printf '%s=%s\\n' "\${f##*/nf_conntrack_}" "$(cat "$f")"; done`;
  const stdout = await execOk(lab, host, [...named, timeouts].join('\n'));
  const knobs = Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );
  assert.ok(knobs['tcp_timeout_established'] !== undefined, `${host}: no timeouts read: ${stdout}`);
  return knobs;
}

export async function writeKnob(
  lab: Lab,
  host: string,
  knob: keyof typeof knobPaths | string,
  value: number,
): Promise<void> {
  const file =
    knob in knobPaths ? knobPaths[knob as keyof typeof knobPaths] : `/proc/sys/net/netfilter/nf_conntrack_${knob}`;
  await execOk(lab, host, `echo ${value} > ${file}`);
}

export interface LoadedModule {
  name: string;
  holders: string[];
}

/** lsmod (the lab's stand-in, the same one the tool sees), newest first. */
export async function readModules(lab: Lab, host: string): Promise<LoadedModule[]> {
  const stdout = await execOk(lab, host, 'lsmod');
  return stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [name = '', , , holders = ''] = line.trim().split(/\s+/);
      return { name, holders: holders ? holders.split(',') : [] };
    });
}

export async function readHostFile(lab: Lab, host: string, file: string): Promise<string> {
  return execOk(lab, host, `cat ${file}`);
}
