/** Creates the files of one lab host before its namespaces exist: /etc copy, knobs, stats and kmod stand-ins, keys, sshd_config. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { HostPaths, LabPaths } from './layout.js';
import { renderSshdConfig } from './sshd-config.js';
import { machineStatLayout, renderStatFile } from './stat-standin.js';

const execFileAsync = promisify(execFile);

const kmodStandinFile = fileURLToPath(new URL('./kmod-standin.sh', import.meta.url));

/** Same value as DEFAULT_TABLE_SIZE in kmod-standin.sh: max == buckets == hashsize, the 5.15+ default. */
export const initialTableSize = 65536;
const countPerHostIndex = 1200;

export const seededSysctlConf = `#
# /etc/sysctl.conf - Configuration file for setting system variables
# See /etc/sysctl.d/ for additional system variables.
# See sysctl.conf (5) for information.
#

#kernel.domainname = example.com

# Uncomment the following to stop low-level messages on console
#kernel.printk = 3 4 1 3

###################################################################
# Functions previously found in netbase
#

# Uncomment the next two lines to enable Spoof protection (reverse-path filter)
# Turn on Source Address Verification in all interfaces to
# prevent some spoofing attacks
#net.ipv4.conf.default.rp_filter=1
#net.ipv4.conf.all.rp_filter=1

# Connection tracking, tuned by hand years ago
net.ipv4.netfilter.ip_conntrack_max = 65536
net.netfilter.nf_conntrack_max = 65536
`;

/** Creates the lab-wide root key that every host accepts. */
export async function createLabKey(lab: LabPaths): Promise<void> {
  await mkdir(lab.dir, { recursive: true });
  await execFileAsync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'conntrack-fleet-lab',
    '-f',
    lab.privateKeyFile,
  ]);
  await copyFile(lab.publicKeyFile, lab.authorizedKeysFile);
}

/** @param index 1-based position of the host, which makes its initial conntrack count distinct. */
export async function prepareHostFiles(lab: LabPaths, host: HostPaths, index: number): Promise<void> {
  await mkdir(host.dir, { recursive: true });
  await Promise.all([
    copyEtc(host.etcDir),
    writeKnobs(host.knobsDir, index),
    writeFile(host.statFile, renderStatFile(machineStatLayout(), countPerHostIndex * index)),
    installKmodStandins(host),
    createRootHome(host.rootHomeDir),
    createHostKey(host),
    mkdir(host.toolStateDir, { recursive: true }),
    mkdir(host.varLibUpperDir, { recursive: true }),
    mkdir(host.varLibWorkDir, { recursive: true }),
  ]);
  const config = renderSshdConfig({
    hostKeyFile: host.hostKeyFile,
    authorizedKeysFile: lab.authorizedKeysFile,
    statFile: host.statFile,
  });
  await writeFile(host.sshdConfigFile, config, { mode: 0o600 });
}

async function copyEtc(etcDir: string): Promise<void> {
  // A full copy (not single-file binds) because the tool replaces files by rename(2), which EBUSYs onto a mount point.
  await execFileAsync('cp', ['-a', '/etc', etcDir]);
  await Promise.all(
    ['sysctl.d', 'modprobe.d', 'modules-load.d'].map((d) => mkdir(path.join(etcDir, d), { recursive: true })),
  );
  const sysctlConf = path.join(etcDir, 'sysctl.conf');
  await rm(sysctlConf, { force: true });
  await writeFile(sysctlConf, seededSysctlConf, { mode: 0o644 });
}

async function writeKnobs(knobsDir: string, index: number): Promise<void> {
  await mkdir(knobsDir, { recursive: true });
  await writeFile(path.join(knobsDir, 'max'), `${initialTableSize}\n`);
  await writeFile(path.join(knobsDir, 'table-size'), `${initialTableSize}\n`);
  await writeFile(path.join(knobsDir, 'count'), `${countPerHostIndex * index}\n`);
}

async function installKmodStandins(host: HostPaths): Promise<void> {
  await mkdir(host.moduleStateDir, { recursive: true });
  const target = path.join(host.sbinDir, 'lab-kmod');
  await copyFile(kmodStandinFile, target);
  await chmod(target, 0o755);
  await Promise.all(['lsmod', 'rmmod', 'modprobe'].map((name) => symlink('lab-kmod', path.join(host.sbinDir, name))));
}

/** Debian's stock root dotfiles, so the machine's own (pyenv, cargo…) never run inside a lab session. */
async function createRootHome(rootHomeDir: string): Promise<void> {
  await mkdir(rootHomeDir, { recursive: true, mode: 0o700 });
  for (const [source, name] of [
    ['dot.bashrc', '.bashrc'],
    ['dot.profile', '.profile'],
  ] as const) {
    const sourceFile = path.join('/usr/share/base-files', source);
    if (existsSync(sourceFile)) await copyFile(sourceFile, path.join(rootHomeDir, name));
  }
}

async function createHostKey(host: HostPaths): Promise<void> {
  const name = path.basename(host.dir);
  await execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${name}`, '-f', host.hostKeyFile]);
}
