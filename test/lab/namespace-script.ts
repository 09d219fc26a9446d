/** The sh script a host's holder runs inside its fresh namespaces before it sleeps: pure text. */
import { quoteShell } from '../../src/transport/quote.js';
import { knobFileName, knobMountPoints, legacyMaxMountPoint, type HostPaths, type KnobName } from './layout.js';

export const holderReadyLine = 'lab-holder-ready';

/** Global (not per-netns) sysctl trees: read-only in a lab host, so nothing run there can change the machine. */
const protectedSysctlDirs = ['/proc/sys/kernel', '/proc/sys/vm', '/proc/sys/fs'];

function bindCommand(source: string, target: string): string {
  return `mount --bind ${quoteShell(source)} ${quoteShell(target)}`;
}

function knobBindCommands(paths: HostPaths): string[] {
  const knobs = Object.keys(knobMountPoints) as KnobName[];
  const maxFile = `${paths.knobsDir}/${knobFileName('max')}`;
  return [
    ...knobs.map((knob) => bindCommand(`${paths.knobsDir}/${knobFileName(knob)}`, knobMountPoints[knob])),
    `if [ -e ${legacyMaxMountPoint} ]; then ${bindCommand(maxFile, legacyMaxMountPoint)}; fi`,
  ];
}

function readOnlyCommands(dir: string): string[] {
  return [bindCommand(dir, dir), `mount -o remount,bind,ro ${quoteShell(dir)}`];
}

export function renderHolderScript(hostName: string, paths: HostPaths): string {
  const varLibOptions = `lowerdir=/var/lib,upperdir=${paths.varLibUpperDir},workdir=${paths.varLibWorkDir}`;
  return [
    'set -eu',
    // Only now are we in the new namespaces; writing the UTS hostname before the ro binds below.
    `echo ${quoteShell(hostName)} > /proc/sys/kernel/hostname`,
    'ip link set lo up',
    bindCommand(paths.etcDir, '/etc'),
    'mount -t tmpfs -o mode=0755,size=16m lab-run /run',
    'mkdir -m 0755 /run/sshd',
    `mount -t overlay lab-var-lib -o ${quoteShell(varLibOptions)} /var/lib`,
    'mkdir -p /var/lib/conntrack-fleet',
    bindCommand(paths.toolStateDir, '/var/lib/conntrack-fleet'),
    bindCommand(paths.rootHomeDir, '/root'),
    bindCommand(paths.sbinDir, '/usr/local/sbin'),
    ...knobBindCommands(paths),
    '/usr/local/sbin/lab-kmod init',
    ...protectedSysctlDirs.flatMap(readOnlyCommands),
    `echo ${holderReadyLine}`,
    'exec sleep infinity',
    '',
  ].join('\n');
}

export function renderKnobModeScript(knob: KnobName, readOnly: boolean): string {
  return `mount -o remount,bind,${readOnly ? 'ro' : 'rw'} ${quoteShell(knobMountPoints[knob])}`;
}
