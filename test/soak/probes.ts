/** What the soak measures outside the tool: this process's fds and memory, TCP sockets and SSH sessions of the labs. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Lab } from '../lab/lab.js';

export interface ControllerSample {
  rssBytes: number;
  heapUsedBytes: number;
  fds: number;
}

/** After a full GC when node runs with --expose-gc (else the numbers include garbage; the caller warns). */
export function sampleController(): ControllerSample {
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rssBytes: rss, heapUsedBytes: heapUsed, fds: readdirSync('/proc/self/fd').length };
}

/** ESTABLISHED TCP sockets (either end) whose local or peer port is one of `ports` (ss -tnH: Recv-Q Send-Q Local Peer). */
export function countEstablished(ports: Set<number>): number {
  const out = execFileSync('ss', ['-tnH', 'state', 'established'], { encoding: 'utf8' });
  let count = 0;
  for (const line of out.split('\n')) {
    const [, , local = '', peer = ''] = line.trim().split(/\s+/);
    if (ports.has(portOf(local)) || ports.has(portOf(peer))) count += 1;
  }
  return count;
}

function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

/**
 * Open SSH sessions on the lab hosts: socat forks one child per accepted connection (which becomes nsenter → sshd -i,
 * test/lab/listener.ts), so a listener's live children are exactly its open sessions.
 */
export function countSessions(labs: Lab[]): number {
  const listeners = new Set(labs.flatMap((lab) => lab.hosts.map((h) => h.listenerPid)));
  let count = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // fields after "(comm)": state ppid …; comm may hold spaces or parentheses, so split after the last ")"
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (listeners.has(ppid)) count += 1;
  }
  return count;
}

export function labPorts(labs: Lab[]): Set<number> {
  return new Set(labs.flatMap((lab) => lab.hosts.map((h) => h.port)));
}

/**
 * TCP sockets and sessions left after a cycle. A closed connection takes the server side a moment to notice (sshd
 * exits after its read returns EOF), so this polls up to `settleMs` for both to reach zero and reports the last count.
 */
export async function leftConnections(
  labs: Lab[],
  settleMs = 3000,
): Promise<{ tcpEstablished: number; sshSessions: number }> {
  const ports = labPorts(labs);
  const deadline = Date.now() + settleMs;
  for (;;) {
    const left = { tcpEstablished: countEstablished(ports), sshSessions: countSessions(labs) };
    if ((left.tcpEstablished === 0 && left.sshSessions === 0) || Date.now() >= deadline) return left;
    await sleep(100);
  }
}
