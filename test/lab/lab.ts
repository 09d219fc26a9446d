/**
 * The conntrack-fleet lab: N local "hosts", each a set of namespaces on this machine with a real OpenSSH sshd.
 * Stable API for integration tests, benchmarks and `npm run lab`:
 *
 *   labSkipReason(): string | null
 *     null when root, sshd, socat, nsenter/unshare (and ip, mount, sysctl, ssh-keygen) are there and namespaces
 *     work; else the reason, with the apt-get line. Tests: `{ skip: labSkipReason() ?? false }`.
 *   startLab({ count, dir, namePrefix = 'lab', portBase = 22220, inventoryFile = DIR/inventory.yaml,
 *              knownHostsFile = DIR/known_hosts }): Promise<Lab>
 *     Hosts PREFIX1..PREFIXn start concurrently; a failure midway tears down what was made. DIR must not hold
 *     a running lab and may only contain [A-Za-z0-9_/.+-]. Use a temp dir and your own inventory path.
 *   openLab(dir): Lab — from DIR/state.json (another process's lab, or `down` after a crash).
 *   lab.exec(host, script) — `sh -c script` as root inside the host's namespaces (nsenter, not SSH).
 *   lab.setKnobReadOnly(host, knob, readOnly) — remounts a knob stand-in ro (writes fail with EROFS) or rw.
 *   lab.setModuleUse(host, module, extraRefs) — a use count held by "something else": lsmod counts it,
 *     rmmod says `Module X is in use`. A holder MODULE instead: `lab.exec(host, 'modprobe nf_conntrack_netlink')`.
 *   lab.addDrops(host, n, column = 'drop') — adds n to a column (drop, early_drop, insert_failed, …) of the host's
 *     /proc/net/stat/nf_conntrack stand-in (see below), as a full table would: what `check` and the health gate read.
 *   lab.down() — kills every process of the lab (by PID, checked by start time), which frees its namespaces and
 *     mounts, and deletes its files, inventory and known_hosts. Idempotent.
 * Bastions: inner-listener.ts startInnerListener(lab, { via, target, port }) — TARGET's sshd answers on 127.0.0.1:PORT
 *   INSIDE VIA's network namespace only: reachable through VIA as a jump host (ssh -J), never from this machine.
 * Test helpers: ssh-run.ts runSsh(lab, host, command) — the real OpenSSH client, strict host keys;
 *   leftovers.ts downAndFindLeftovers(lab) — down, then what still exists (processes, namespaces, mounts, files).
 *
 * Inside each host (ssh root@127.0.0.1 -p PORT, or lab.exec):
 *   - own netns (lo up) and UTS ns (hostname = host name): the nf_conntrack_*timeout* sysctls are REAL per-netns state.
 *   - own mount ns: /etc is a full copy of the machine's /etc (rename(2) onto its files works), with sysctl.d,
 *     modprobe.d, modules-load.d and a seeded sysctl.conf holding stale conntrack lines; tmpfs /run; /root with
 *     Debian's stock dotfiles; /var/lib is an overlay so /var/lib/conntrack-fleet is per host.
 *   - plain files over the knobs a non-initial netns cannot write: nf_conntrack_max (65536), nf_conntrack_count
 *     (1200 × host index) and ONE shared file for nf_conntrack_buckets and /sys/module/nf_conntrack/parameters/hashsize
 *     (65536), as the kernel exposes one table size through both. No rounding or validation of written values.
 *   - /usr/local/sbin holds lsmod, rmmod, modprobe stand-ins (test/lab/kmod-standin.sh) with kmod 30's messages over
 *     a modular iptables NAT chain; loading nf_conntrack resets the knobs and timeouts to their defaults, honouring
 *     `options nf_conntrack hashsize=N` in /etc/modprobe.d (max = 8 × N, as the kernel does). There is no
 *     /proc/modules and no /sys/module/nf_conntrack/initstate (procfs/sysfs files cannot be created): only lsmod shows it.
 *   - conntrack statistics: /proc/net/stat/nf_conntrack is per netns and cannot be faked in /proc, so sshd exports
 *     CONNTRACK_FLEET_STAT_FILE=HOSTDIR/stat_nf_conntrack (sshd_config SetEnv) and the gather script reads that file
 *     instead. It has the kernel's format (the machine's header, one hex row per CPU), every counter 0 but `entries`
 *     (= the count); lab.addDrops bumps it. lab.exec sessions do not get the variable (they are not SSH sessions).
 *   - /proc/sys/{kernel,vm,fs} are read-only, so nothing run in a lab host can change the machine's global sysctls.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import { createLabKey } from './host-files.js';
import { startHost } from './host.js';
import { keyWithoutComment, renderInventory, renderKnownHosts } from './inventory.js';
import { openLabFromState } from './lab-instance.js';
import { hostNamesFor, hostPathsFor, labPathsFor, unsafeLabDirReason, type KnobName, type LabPaths } from './layout.js';
import { createPortAllocator } from './ports.js';
import { labSkipReason } from './prerequisites.js';
import { writeLabState, type HostRecord, type LabState } from './state.js';

export { labSkipReason };
export type { KnobName };

export interface LabHost {
  name: string;
  port: number;
  dir: string;
  holderPid: number;
  listenerPid: number;
}

export interface LabExecResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

export interface Lab {
  dir: string;
  hosts: LabHost[];
  inventoryFile: string;
  knownHostsFile: string;
  privateKeyFile: string;
  /** Runs a sh script as root INSIDE the host's namespaces directly (nsenter), not through SSH — for tests to set and read state. */
  exec(host: string, script: string, options?: { timeoutMs?: number }): Promise<LabExecResult>;
  /** Fault injection: make a knob stand-in read-only (remount the bind mount ro → EROFS even for root) and back. */
  setKnobReadOnly(host: string, knob: KnobName, readOnly: boolean): Promise<void>;
  /** Fault injection: `extraRefs` references on a loaded module held by something that is not a module; 0 releases. */
  setModuleUse(host: string, module: string, extraRefs: number): Promise<void>;
  /** Fault injection: adds `count` to a column (default `drop`) of the host's /proc/net/stat/nf_conntrack stand-in. */
  addDrops(host: string, count: number, column?: string): Promise<void>;
  down(): Promise<void>;
}

export interface StartLabOptions {
  count: number;
  dir: string;
  namePrefix?: string;
  portBase?: number;
  inventoryFile?: string;
  knownHostsFile?: string;
}

export const defaultPortBase = 22220;
/** Two cores are shared with other jobs; a few hosts at once keep each startup well under a second. */
const hostStartConcurrency = 4;

export function openLab(dir: string): Lab {
  return openLabFromState(dir);
}

export async function startLab(options: StartLabOptions): Promise<Lab> {
  const skipReason = labSkipReason();
  if (skipReason) throw new Error(`cannot start the lab: ${skipReason}`);
  const unsafeReason = unsafeLabDirReason(options.dir);
  if (unsafeReason) throw new Error(unsafeReason);
  if (!Number.isInteger(options.count) || options.count < 1)
    throw new Error(`host count must be a positive integer, got ${options.count}`);
  const lab = labPathsFor(options.dir);
  if (existsSync(lab.stateFile))
    throw new Error(`a lab is already up in ${lab.dir}; take it down first (openLab(dir).down())`);
  const state: LabState = {
    version: 1,
    dir: lab.dir,
    inventoryFile: path.resolve(options.inventoryFile ?? path.join(lab.dir, 'inventory.yaml')),
    knownHostsFile: path.resolve(options.knownHostsFile ?? path.join(lab.dir, 'known_hosts')),
    privateKeyFile: lab.privateKeyFile,
    hostCount: options.count,
    hosts: [],
  };
  await mkdir(lab.dir, { recursive: true });
  writeLabState(lab.stateFile, state);
  try {
    await createLabKey(lab);
    await startHosts(lab, state, options);
    await writeInventoryFiles(lab, state);
    return openLab(lab.dir);
  } catch (error) {
    await openLab(lab.dir)
      .down()
      .catch(() => undefined);
    throw error;
  }
}

async function startHosts(lab: LabPaths, state: LabState, options: StartLabOptions): Promise<void> {
  const ports = createPortAllocator(options.portBase ?? defaultPortBase);
  const limit = pLimit(hostStartConcurrency);
  const onProgress = (record: HostRecord): void => {
    state.hosts = [...state.hosts.filter((host) => host.name !== record.name), record];
    writeLabState(lab.stateFile, state);
  };
  const names = hostNamesFor(options.count, options.namePrefix ?? 'lab');
  const firstPorts: number[] = [];
  for (const _ of names) firstPorts.push(await ports.next());
  const results = await Promise.allSettled(
    names.map((name, i) =>
      limit(() => startHost({ lab, name, index: i + 1, firstPort: firstPorts[i] ?? 0, ports, onProgress })),
    ),
  );
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  if (failures.length > 0) {
    const messages = failures.map((failure) => (failure instanceof Error ? failure.message : String(failure)));
    throw new Error(`lab start failed: ${messages.join('; ')}`, { cause: failures[0] });
  }
}

async function writeInventoryFiles(lab: LabPaths, state: LabState): Promise<void> {
  const hosts = await Promise.all(
    [...state.hosts]
      .sort((a, b) => a.index - b.index)
      .map(async (record) => ({
        name: record.name,
        port: record.port ?? 0,
        hostPublicKey: keyWithoutComment(await readFile(hostPathsFor(lab, record.name).hostPublicKeyFile, 'utf8')),
      })),
  );
  await mkdir(path.dirname(state.inventoryFile), { recursive: true });
  await mkdir(path.dirname(state.knownHostsFile), { recursive: true });
  const inventory = renderInventory({
    hosts,
    privateKeyFile: lab.privateKeyFile,
    knownHostsFile: state.knownHostsFile,
  });
  await writeFile(state.inventoryFile, inventory);
  await writeFile(state.knownHostsFile, renderKnownHosts(hosts));
}
