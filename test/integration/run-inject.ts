/** Fault injection inside ONE lab host for the `run` tests: immutable files, a lying mirror, a pause, a dropped connection. */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Lab, LabHost } from '../lab/lab.js';
import { execOk, knobPaths } from './run-host-state.js';

/** chattr +i: even root cannot rename onto, write, or create in it (EPERM). Undo before lab.down(), or rm fails. */
export async function setImmutable(lab: Lab, host: string, file: string, on: boolean): Promise<void> {
  await execOk(lab, host, `chattr ${on ? '+i' : '-i'} ${file}`);
}

/**
 * From now on nf_conntrack_buckets is a file of its own holding VALUE, so it no longer mirrors hashsize: the
 * hashsize write succeeds but the buckets read-back disagrees — a kernel whose two views of the table differ.
 */
export async function detachBuckets(lab: Lab, host: string, value: number): Promise<void> {
  const detach = `echo ${value} > /run/lab-buckets && mount --bind /run/lab-buckets ${knobPaths.buckets}`;
  await execOk(lab, host, `echo ${value} > ${knobPaths.hashsize} && ${detach}`);
}

const pauseDir = '/run/ctf-pause';
const realDir = '/usr/local/sbin/.ctf-real';

export interface Pause {
  /** Resolves once the command is stopped at the pause point (the run is mid-step). */
  reached(timeoutMs?: number): Promise<void>;
  /** Lets the paused command go on. */
  release(): Promise<void>;
  /** Resolves once the paused command has finished (the real command ran). */
  finished(timeoutMs?: number): Promise<void>;
}

/**
 * Puts a wrapper for COMMAND in the host's own /usr/local/sbin (first on root's PATH, per host): the FIRST call whose
 * arguments satisfy the sh test `when` stops until release(), then runs the real command; other calls pass through.
 * `real` is the real command's path, or `lab-kmod` for the lab's kmod stand-ins (which dispatch on their name).
 */
export async function installPause(
  lab: Lab,
  host: string,
  command: string,
  when: string,
  real: string,
): Promise<Pause> {
  const realPath = real === 'lab-kmod' ? `${realDir}/${command}` : real;
  const wrapper = [
    '#!/bin/sh',
    `if ${when} && mkdir ${pauseDir} 2>/dev/null; then`,
    `  : > ${pauseDir}/reached`,
    '  i=0',
    `  while [ ! -e ${pauseDir}/go ] && [ "$i" -lt 600 ]; do sleep 0.1; i=$((i + 1)); done`,
    `  ${realPath} "$@"; rc=$?`,
    `  : > ${pauseDir}/finished`,
    '  exit "$rc"',
    'fi',
    `exec ${realPath} "$@"`,
    '',
  ].join('\n');
  const linkReal = real === 'lab-kmod' ? `mkdir -p ${realDir} && ln -sf ../lab-kmod ${realPath} && ` : '';
  const target = `/usr/local/sbin/${command}`;
  await execOk(
    lab,
    host,
    `${linkReal}rm -f ${target} && cat > ${target} <<'CTF_EOF'\n${wrapper}CTF_EOF\nchmod 755 ${target}`,
  );
  const waitFor = async (file: string, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while ((await lab.exec(host, `test -e ${pauseDir}/${file}`)).exitCode !== 0) {
      if (Date.now() > deadline) throw new Error(`${host}: ${command} never got to "${file}" within ${timeoutMs} ms`);
      await sleep(100);
    }
  };
  return {
    reached: (timeoutMs = 30_000) => waitFor('reached', timeoutMs),
    release: async () => void (await execOk(lab, host, `: > ${pauseDir}/go`)),
    finished: (timeoutMs = 30_000) => waitFor('finished', timeoutMs),
  };
}

function parentOf(pid: string): number | null {
  try {
    // comm may hold spaces and parentheses: the ppid is the 2nd field after the LAST ')'
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null; // exited meanwhile
  }
}

/**
 * Drops every open SSH connection to the host the way a network failure would: SIGKILL to the per-connection
 * socat children of the host's listener (each holds one client's TCP socket). The listener keeps accepting,
 * so the tool can reconnect. Returns how many connections were cut.
 */
export function cutConnections(host: LabHost): number {
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && parentOf(entry) === host.listenerPid)
    .map(Number);
  for (const pid of children) process.kill(pid, 'SIGKILL');
  return children.length;
}

/** PIDs of processes inside the host's mount namespace whose argv satisfies `match` (argv[0] is the command). */
export function processesIn(host: LabHost, match: (argv: string[]) => boolean): number[] {
  const namespace = readlinkSync(`/proc/${host.holderPid}/ns/mnt`);
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
        return readlinkSync(`/proc/${pid}/ns/mnt`) === namespace && argv.length > 0 && match(argv);
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);
}

export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}
