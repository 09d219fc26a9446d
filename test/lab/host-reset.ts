/**
 * Put lab hosts back to a saved state, so a benchmark can tune the same hosts again and again and every tune really
 * changes every host, whichever tool made the last change (conntrack-fleet's journal only undoes its own runs).
 *
 *   snapshotHosts(lab, { count }) — per host: copies the state a tune touches to HOSTDIR/bench-snapshot
 *     (/etc/sysctl.conf, /etc/sysctl.d, /etc/modprobe.d, /etc/modules-load.d, the max and table-size knob stand-ins,
 *     the kmod stand-in state and the netns's real tcp timeouts); `count` first sets every host's conntrack count
 *     stand-in to the same value (the lab's default, 1200 × index, passes 90 % of max past host 49).
 *   resetHosts(lab) — restores that snapshot and empties /var/lib/conntrack-fleet (journals, lock), one nsenter per
 *     host (the timeouts are per-netns kernel state, writable only from inside).
 * Both run a few hosts at once (p-limit) and throw naming the first host that failed.
 */
import pLimit from 'p-limit';
import { quoteShell } from '../../src/transport/quote.js';
import type { Lab } from './lab.js';
import { hostPathsFor, labPathsFor, type HostPaths } from './layout.js';

const concurrentHosts = 8;
const timeoutKnobs = ['nf_conntrack_tcp_timeout_established', 'nf_conntrack_tcp_timeout_time_wait'];
/** Relative to the host's /etc copy; missing ones (no modules-load.d) are skipped. */
const etcEntries = ['sysctl.conf', 'sysctl.d', 'modprobe.d', 'modules-load.d'];

function snapshotDir(paths: HostPaths): string {
  return `${paths.dir}/bench-snapshot`;
}

function snapshotScript(paths: HostPaths, count: number | undefined): string {
  const snap = quoteShell(snapshotDir(paths));
  const etc = quoteShell(paths.etcDir);
  const knobs = quoteShell(paths.knobsDir);
  return [
    'set -eu',
    `rm -rf ${snap}`,
    `mkdir -p ${snap}/etc ${snap}/knobs ${snap}/timeouts`,
    ...(count === undefined ? [] : [`echo ${quoteShell(count)} > ${knobs}/count`]),
    `for e in ${etcEntries.join(' ')}; do if [ -e ${etc}/$e ] || [ -L ${etc}/$e ]; then cp -a ${etc}/$e ${snap}/etc/; fi; done`,
    `cp -a ${knobs}/max ${knobs}/table-size ${snap}/knobs/`,
    `cp -a ${quoteShell(paths.moduleStateDir)} ${snap}/kmod`,
    ...timeoutKnobs.map((knob) => `cat /proc/sys/net/netfilter/${knob} > ${snap}/timeouts/${knob}`),
  ].join('\n');
}

function resetScript(paths: HostPaths): string {
  const snap = quoteShell(snapshotDir(paths));
  const etc = quoteShell(paths.etcDir);
  const knobs = quoteShell(paths.knobsDir);
  return [
    'set -eu',
    `for e in ${etcEntries.join(' ')}; do rm -rf ${etc}/$e; done`,
    `cp -a ${snap}/etc/. ${etc}/`,
    // The knob files are bind-mounted inside the host: overwrite in place (same inode), never replace.
    `cat ${snap}/knobs/max > ${knobs}/max`,
    `cat ${snap}/knobs/table-size > ${knobs}/table-size`,
    `rm -rf ${quoteShell(paths.moduleStateDir)} && cp -a ${snap}/kmod ${quoteShell(paths.moduleStateDir)}`,
    `find ${quoteShell(paths.toolStateDir)} -mindepth 1 -delete`,
    ...timeoutKnobs.map((knob) => `cat ${snap}/timeouts/${knob} > /proc/sys/net/netfilter/${knob}`),
  ].join('\n');
}

async function onEveryHost(lab: Lab, scriptFor: (paths: HostPaths) => string): Promise<void> {
  const labPaths = labPathsFor(lab.dir);
  const limit = pLimit(concurrentHosts);
  await Promise.all(
    lab.hosts.map((host) =>
      limit(async () => {
        const result = await lab.exec(host.name, scriptFor(hostPathsFor(labPaths, host.name)), { timeoutMs: 120_000 });
        if (result.exitCode !== 0)
          throw new Error(`lab ${host.name}: reset script failed (${result.exitCode}): ${result.stderr.trim()}`);
      }),
    ),
  );
}

export async function snapshotHosts(lab: Lab, options: { count?: number } = {}): Promise<void> {
  await onEveryHost(lab, (paths) => snapshotScript(paths, options.count));
}

export async function resetHosts(lab: Lab): Promise<void> {
  await onEveryHost(lab, resetScript);
}
