/** The TCP side of a lab host: socat on 127.0.0.1:PORT running `sshd -i` inside the host's namespaces per connection. */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { readLogTail } from './log-tail.js';
import { resolveCommand } from './prerequisites.js';
import { refOf, type ProcessRef } from './processes.js';

export interface ListenerInput {
  port: number;
  holderPid: number;
  sshdConfigFile: string;
  sshdLogFile: string;
  logFile: string;
  readyTimeoutMs?: number;
}

/** socat could not bind: another process took the port between the probe and the bind. */
export class PortTakenError extends Error {
  override readonly name = 'PortTakenError';
}

export function listenerArgs(input: ListenerInput): string[] {
  const sshdFile = resolveCommand('sshd') ?? '/usr/sbin/sshd';
  const sshd = `nsenter -t ${input.holderPid} -n -m -u ${sshdFile} -i -f ${input.sshdConfigFile} -E ${input.sshdLogFile}`;
  return [`TCP-LISTEN:${input.port},bind=127.0.0.1,reuseaddr,fork`, `EXEC:${sshd}`];
}

/** Starts socat in its own process group (so its per-connection children die with it) and waits for an SSH banner. */
export async function startListener(input: ListenerInput): Promise<ProcessRef> {
  const logFd = openSync(input.logFile, 'a');
  const child = spawn('socat', listenerArgs(input), { detached: true, stdio: ['ignore', 'ignore', logFd] });
  closeSync(logFd);
  let exitCode: number | null | undefined;
  child.once('exit', (code, signal) => (exitCode = code ?? (signal ? -1 : null)));
  child.once('error', () => (exitCode = -1));
  child.unref();
  const ref = child.pid === undefined ? null : refOf(child.pid);
  if (!ref) throw new Error(`socat did not start: ${readLogTail(input.logFile)}`);
  const deadline = Date.now() + (input.readyTimeoutMs ?? 5000);
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw exitError(input);
    if (await readBanner(input.port)) return ref;
    await sleep(20);
  }
  process.kill(-ref.pid, 'SIGKILL');
  throw new Error(
    `no SSH banner on 127.0.0.1:${input.port} within the timeout; sshd log: ${readLogTail(input.sshdLogFile)}`,
  );
}

function exitError(input: ListenerInput): Error {
  const log = readLogTail(input.logFile);
  return /Address already in use/.test(log)
    ? new PortTakenError(`port ${input.port} was taken before socat could bind it`)
    : new Error(`socat exited: ${log}`);
}

/** Proves the whole chain (socat → nsenter → sshd) works: true once the server greets. */
function readBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('data', (data) => finish(data.toString('latin1').startsWith('SSH-2.0-')));
    socket.once('close', () => finish(false));
  });
}
