/** Faults for the rollout tests: on a lab host (a write that fails, a write that hangs) and beside it (hosts that cannot be reached). */
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { Lab } from '../lab/lab.js';
import { closedPort } from './check-inventory.js';
import { execOk } from './rollout-lab.js';

/** Fault injection: the immutable flag makes replacing /etc/sysctl.conf fail (EPERM), so `persist` fails mid-run. */
export async function setSysctlConfImmutable(lab: Lab, host: string, immutable: boolean): Promise<void> {
  await execOk(lab, host, `chattr ${immutable ? '+i' : '-i'} /etc/sysctl.conf`);
}

/**
 * Fault injection: the host's next `sync` (the persist step's first write) takes `seconds`, keeping it mid-step.
 * The next `sync` on the host sleeps `seconds` first. With `pathPrefix`, only a sync of a path starting with it
 * counts as "next" (e.g. '/etc/' for a persisted file, not the journal's write in the same script).
 */
export async function slowNextSync(lab: Lab, host: string, seconds: number, pathPrefix = ''): Promise<void> {
  await execOk(
    lab,
    host,
    `rm -f /run/cf-test-slow-done; cat > /usr/local/sbin/sync <<'EOF'
#!/bin/sh
case "$1" in ${pathPrefix.replace(/[^A-Za-z0-9/._-]/g, '')}*)
  if [ ! -e /run/cf-test-slow-done ]; then : > /run/cf-test-slow-done; sleep ${seconds}; fi ;;
esac
exec /bin/sync "$@"
EOF
chmod 0755 /usr/local/sbin/sync`,
  );
}

/** Resolves once the slowed `sync` has started on the host: the step's script is then surely running there. */
export async function waitForSlowSync(lab: Lab, host: string, timeoutMs = 30_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if ((await lab.exec(host, 'test -e /run/cf-test-slow-done')).exitCode === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${host}: the slowed sync did not start within ${timeoutMs} ms`);
}

/** Fault: a TCP listener on 127.0.0.1 that accepts and never says a word (no SSH banner): a hung host. */
export interface SilentListener {
  port: number;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export function listenSilent(): Promise<SilentListener> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : 0,
        connections: () => accepted,
        close: () => {
          for (const socket of sockets) socket.destroy();
          return new Promise((done) => server.close(() => done()));
        },
      });
    });
  });
}

/** Fault: a port on 127.0.0.1 where nothing listens (bound, then freed): connecting is refused at once. */
export const refusedPort = closedPort;

type LabInventory = { all: { children: { lab: { hosts: Record<string, Record<string, unknown>> } } } };

/**
 * The lab's inventory with extra hosts that point elsewhere (a refused port, a silent listener), every host in
 * `order`: lab hosts keep their vars, an extra host copies lab1's with its own port. Written as NAME.yaml in tmp.
 */
export async function writeInventoryWith(
  fleet: { inventory: string; tmp: string },
  name: string,
  extraPorts: Record<string, number>,
  order: string[],
): Promise<string> {
  const doc = parse(await readFile(fleet.inventory, 'utf8')) as LabInventory;
  const labHosts = doc.all.children.lab.hosts;
  const hosts: Record<string, Record<string, unknown>> = {};
  for (const host of order) {
    const port = extraPorts[host];
    const vars = port === undefined ? labHosts[host] : { ...labHosts['lab1'], ansible_port: port };
    if (!vars) throw new Error(`no host ${host} in the lab inventory`);
    hosts[host] = vars;
  }
  doc.all.children.lab.hosts = hosts;
  const file = path.join(fleet.tmp, `${name}.yaml`);
  await writeFile(file, stringify(doc));
  return file;
}
