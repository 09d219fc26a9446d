/**
 * Helpers for the rollout tests: the tune playbooks they run, and every host's state read directly (nsenter), not
 * through the tool. The lab itself: rollout-suite.ts; faults: rollout-faults.ts; the CLI watched live: live-cli.ts.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type JournalEntry } from '../../src/runner/journal.js';
import { labSkipReason, type Lab } from '../lab/lab.js';

export const skipReason = labSkipReason();

/** The tune steps every rollout test applies: knobs, a per-netns timeout, and files in /etc. */
export const tuneSteps = `steps:
  - raise_max: { value: 262144 }
  - set_hashsize: { value: max/2 }
  - set_timeouts: { tcp_timeout_established: 86400 }
  - persist: { file: /etc/sysctl.conf }
`;

/** A playbook of the tune steps under `header` (rollout keys); `hosts: all` unless the header names hosts. */
export async function writePlaybook(dir: string, name: string, header: string): Promise<string> {
  const file = path.join(dir, `${name}.yaml`);
  const hosts = /^hosts:/m.test(header) ? '' : 'hosts: all\n';
  await writeFile(file, `${hosts}${header.trim()}\n${tuneSteps}`);
  return file;
}

/** lab.exec with a minute to run (reading all of /etc under load), throwing with stderr unless it exits 0. */
export async function execOk(lab: Lab, host: string, script: string): Promise<string> {
  const result = await lab.exec(host, script, { timeoutMs: 60_000 });
  if (result.exitCode !== 0)
    throw new Error(`${host}: \`${script.slice(0, 80)}\` failed (${result.exitCode}): ${result.stderr}`);
  return result.stdout;
}

/**
 * Everything a run may touch, read inside the host: every path under /etc with type, mode and owner (no times),
 * the sha256 of every file, symlink targets, the knobs, every conntrack timeout and the loaded modules.
 */
const stateScript = String.raw`set -e
cd /etc
find . -xdev -printf '%p %y %m %U:%G %l\n' | LC_ALL=C sort
find . -xdev -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
for f in /proc/sys/net/netfilter/nf_conntrack_max /proc/sys/net/netfilter/nf_conntrack_buckets /sys/module/nf_conntrack/parameters/hashsize; do
  echo "$f $(cat "$f")"
done
grep . /proc/sys/net/netfilter/nf_conntrack_*timeout* | LC_ALL=C sort
lsmod`;

export function hostState(lab: Lab, host: string): Promise<string> {
  return execOk(lab, host, stateScript);
}

export async function fleetState(lab: Lab, hosts: string[]): Promise<Map<string, string>> {
  return new Map(await Promise.all(hosts.map(async (h) => [h, await hostState(lab, h)] as const)));
}

export async function knob(lab: Lab, host: string, name = 'nf_conntrack_max'): Promise<string> {
  return (await execOk(lab, host, `cat /proc/sys/net/netfilter/${name}`)).trim();
}

/** The host's journals, read from its disk (not through the tool), oldest run first; each with its file mode. */
export async function hostJournals(lab: Lab, host: string): Promise<(JournalEntry & { mode: string })[]> {
  const out = await execOk(
    lab,
    host,
    'for f in /var/lib/conntrack-fleet/journal/*.json; do [ -f "$f" ] || continue; stat -c %a "$f"; base64 -w0 < "$f"; echo; done',
  );
  const lines = out.split('\n').filter(Boolean);
  const entries: (JournalEntry & { mode: string })[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    entries.push({
      ...(JSON.parse(Buffer.from(lines[i + 1] ?? '', 'base64').toString('utf8')) as JournalEntry),
      mode: lines[i] ?? '',
    });
  }
  return entries.sort((a, b) => a.run_id.localeCompare(b.run_id));
}
