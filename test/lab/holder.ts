/** The holder: a process that creates a host's namespaces, mounts its stand-ins there and then sleeps, keeping them alive. */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { HostPaths } from './layout.js';
import { readLogTail } from './log-tail.js';
import { holderReadyLine, renderHolderScript } from './namespace-script.js';
import { namespaceId, refOf, signalPid, type ProcessRef } from './processes.js';

export interface Holder extends ProcessRef {
  /** /proc/PID/ns/mnt of the holder, e.g. `mnt:[4026532301]`. */
  mntNamespace: string;
}

// Generous: 30 hosts copying /etc at once on a loaded 2-core machine took over 10 s; a real failure exits early anyway.
export async function startHolder(hostName: string, paths: HostPaths, readyTimeoutMs = 60_000): Promise<Holder> {
  const script = renderHolderScript(hostName, paths);
  const args = ['--net', '--mount', '--uts', '--propagation', 'private', 'sh', '-c', script];
  const logFd = openSync(paths.holderLogFile, 'a');
  const child = spawn('unshare', args, { detached: true, stdio: ['ignore', 'pipe', logFd] });
  closeSync(logFd);
  try {
    await waitForReadyLine(child, readyTimeoutMs);
  } catch (error) {
    if (child.pid !== undefined) signalPid(child.pid, 'SIGKILL');
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`host ${hostName}: namespace setup failed (${why}): ${readLogTail(paths.holderLogFile)}`, {
      cause: error,
    });
  }
  child.stdout?.destroy();
  child.unref();
  return describeHolder(hostName, child.pid);
}

function describeHolder(hostName: string, pid: number | undefined): Holder {
  const ref = pid === undefined ? null : refOf(pid);
  const mntNamespace = pid === undefined ? null : namespaceId(pid, 'mnt');
  if (!ref || !mntNamespace) throw new Error(`host ${hostName}: the namespace holder vanished`);
  // Entering the machine's own namespaces by mistake would mount the stand-ins over the real /etc.
  if (mntNamespace === namespaceId(process.pid, 'mnt'))
    throw new Error(`host ${hostName}: holder shares our mount namespace`);
  return { ...ref, mntNamespace };
}

function waitForReadyLine(child: ReturnType<typeof spawn>, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onExit = (code: number | null, signal: string | null): void =>
      settle(new Error(`holder exited (${signal ?? `code ${code}`})`));
    const onData = (data: Buffer): void => {
      output += data.toString();
      if (output.includes(`${holderReadyLine}\n`)) settle();
    };
    const settle = (error?: Error): void => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout?.off('data', onData);
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => settle(new Error(`not ready within ${timeoutMs} ms`)), timeoutMs);
    child.stdout?.on('data', onData);
    child.once('error', (error) => settle(error));
    child.once('exit', onExit);
  });
}
