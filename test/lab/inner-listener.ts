/**
 * A lab host reachable ONLY through another one, for bastion tests: socat listens on 127.0.0.1:PORT inside
 * the JUMP host's network namespace (whose loopback nobody else sees) and runs the TARGET host's sshd
 * (`sshd -i`, the target's own config, host key and log) in the target's namespaces per connection.
 * So `ssh -J root@127.0.0.1:JUMPPORT root@127.0.0.1:PORT` reaches the target, while 127.0.0.1:PORT on this
 * machine is not that sshd. No traffic leaves namespaces the lab made. The listener is a process of the
 * jump host's mount namespace, so lab.down() stops it with the host.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Lab, LabHost } from './lab.js';
import { hostPathsFor, labPathsFor } from './layout.js';
import { readLogTail } from './log-tail.js';
import { resolveCommand } from './prerequisites.js';

export interface InnerListenerInput {
  /** The jump host, in whose network namespace the listener binds 127.0.0.1:port. */
  via: string;
  /** The host whose sshd answers there. */
  target: string;
  /** Any port: it is bound in the jump host's own namespace, not on this machine. */
  port: number;
  readyTimeoutMs?: number;
}

export interface InnerListener {
  port: number;
  /** The listener process (nsenter, then socat: same PID). */
  pid: number;
  /** Kills the listener (lab.down() also does). */
  stop(): void;
}

export async function startInnerListener(lab: Lab, input: InnerListenerInput): Promise<InnerListener> {
  const via = hostNamed(lab, input.via);
  const target = hostNamed(lab, input.target);
  const paths = hostPathsFor(labPathsFor(lab.dir), target.name);
  const sshdFile = resolveCommand('sshd') ?? '/usr/sbin/sshd';
  const sshd = `nsenter -t ${target.holderPid} -n -m -u ${sshdFile} -i -f ${paths.sshdConfigFile} -E ${paths.sshdLogFile}`;
  const logFile = path.join(hostPathsFor(labPathsFor(lab.dir), via.name).dir, `inner-listener-${input.port}.log`);
  const logFd = openSync(logFile, 'a');
  const args = [
    '-t',
    String(via.holderPid),
    '-n',
    '-m',
    '-u',
    'socat',
    `TCP-LISTEN:${input.port},bind=127.0.0.1,reuseaddr,fork`,
    `EXEC:${sshd}`,
  ];
  const child = spawn('nsenter', args, { detached: true, stdio: ['ignore', 'ignore', logFd] });
  closeSync(logFd);
  child.unref();
  let exited = false;
  child.once('exit', () => (exited = true));
  const stop = () => {
    if (!exited && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  };
  const deadline = Date.now() + (input.readyTimeoutMs ?? 5000);
  while (Date.now() < deadline) {
    if (exited) throw new Error(`inner listener on ${via.name}:${input.port} exited: ${readLogTail(logFile)}`);
    const listening = await lab.exec(via.name, `ss -Hltn 'sport = :${input.port}'`);
    if (listening.stdout.trim() !== '') return { port: input.port, pid: child.pid ?? 0, stop };
    await sleep(20);
  }
  stop();
  throw new Error(`inner listener on ${via.name}:${input.port} did not listen in time: ${readLogTail(logFile)}`);
}

function hostNamed(lab: Lab, name: string): LabHost {
  const host = lab.hosts.find((h) => h.name === name);
  if (!host) throw new Error(`no lab host named ${name} (hosts: ${lab.hosts.map((h) => h.name).join(', ')})`);
  return host;
}
