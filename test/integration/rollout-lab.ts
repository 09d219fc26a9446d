/** Helpers for the rollout tests: a lab per file, host state read directly (nsenter), the CLI with live output. */
import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { type JournalEntry } from '../../src/runner/journal.js';
import { labSkipReason, type Lab } from '../lab/lab.js';
import { closedPort } from './check-inventory.js';
import { type CliResult, runCli } from './run-cli.js';
import { startTestLab } from './run-lab.js';

export const skipReason = labSkipReason();

export interface RolloutLab {
  lab: Lab;
  tmp: string;
  inventory: string;
  /** Host names lab1..labN, in inventory order. */
  names: string[];
  down(): Promise<void>;
}

/** A lab of `count` hosts in its own temp dir (run-lab.ts startTestLab), with the inventory path and host names. */
export async function startRolloutLab(count: number, portBase: number): Promise<RolloutLab> {
  const started = await startTestLab('rollout', count, portBase);
  const { lab } = started;
  return { ...started, inventory: lab.inventoryFile, names: lab.hosts.map((h) => h.name) };
}

/** The tune steps every rollout test applies: knobs, a per-netns timeout, and files in /etc. */
export const tuneSteps = `steps:
  - raise_max: { value: 262144 }
  - set_hashsize: { value: max/2 }
  - set_timeouts: { tcp_timeout_established: 86400 }
  - persist: { file: /etc/sysctl.conf }
`;

/** A playbook of the tune steps under `header` (rollout keys); `hosts: all` unless the header names hosts. */
export async function writePlaybook(dir: string, name: string, header: string): Promise<string> {
  const file = path.join(dir, `${name}.yaml`);
  const hosts = /^hosts:/m.test(header) ? '' : 'hosts: all\n';
  await writeFile(file, `${hosts}${header.trim()}\n${tuneSteps}`);
  return file;
}

async function execOk(lab: Lab, host: string, script: string): Promise<string> {
  const result = await lab.exec(host, script, { timeoutMs: 60_000 });
  if (result.exitCode !== 0)
    throw new Error(`${host}: \`${script.slice(0, 80)}\` failed (${result.exitCode}): ${result.stderr}`);
  return result.stdout;
}

/**
 * Everything a run may touch, read inside the host: every path under /etc with type, mode and owner (no times),
 * the sha256 of every file, symlink targets, the knobs, every conntrack timeout and the loaded modules.
 */
const stateScript = String.raw`set -e
cd /etc
find . -xdev -printf '%p %y %m %U:%G %l\n' | LC_ALL=C sort
find . -xdev -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
for f in /proc/sys/net/netfilter/nf_conntrack_max /proc/sys/net/netfilter/nf_conntrack_buckets /sys/module/nf_conntrack/parameters/hashsize; do
  echo "$f $(cat "$f")"
done
grep . /proc/sys/net/netfilter/nf_conntrack_*timeout* | LC_ALL=C sort
lsmod`;

export function hostState(lab: Lab, host: string): Promise<string> {
  return execOk(lab, host, stateScript);
}

export async function fleetState(lab: Lab, hosts: string[]): Promise<Map<string, string>> {
  return new Map(await Promise.all(hosts.map(async (h) => [h, await hostState(lab, h)] as const)));
}

export async function knob(lab: Lab, host: string, name = 'nf_conntrack_max'): Promise<string> {
  return (await execOk(lab, host, `cat /proc/sys/net/netfilter/${name}`)).trim();
}

/** The host's journals, read from its disk (not through the tool), oldest run first; each with its file mode. */
export async function hostJournals(lab: Lab, host: string): Promise<(JournalEntry & { mode: string })[]> {
  const out = await execOk(
    lab,
    host,
    'for f in /var/lib/conntrack-fleet/journal/*.json; do [ -f "$f" ] || continue; stat -c %a "$f"; base64 -w0 < "$f"; echo; done',
  );
  const lines = out.split('\n').filter(Boolean);
  const entries: (JournalEntry & { mode: string })[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    entries.push({
      ...(JSON.parse(Buffer.from(lines[i + 1] ?? '', 'base64').toString('utf8')) as JournalEntry),
      mode: lines[i] ?? '',
    });
  }
  return entries.sort((a, b) => a.run_id.localeCompare(b.run_id));
}

/** Fault injection: the immutable flag makes replacing /etc/sysctl.conf fail (EPERM), so `persist` fails mid-run. */
export async function setSysctlConfImmutable(lab: Lab, host: string, immutable: boolean): Promise<void> {
  await execOk(lab, host, `chattr ${immutable ? '+i' : '-i'} /etc/sysctl.conf`);
}

/** Fault injection: the host's next `sync` (the persist step's first write) takes `seconds`, keeping it mid-step. */
/**
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

export interface LiveCli {
  child: () => ChildProcess;
  /** Resolves with the first stdout line matching, as it is printed. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  done: Promise<CliResult>;
}

/** The real CLI with its stdout watched line by line, so a test can act at a precise moment of the run. */
export function startCli(args: string[], timeoutMs = 90_000): LiveCli {
  let child: ChildProcess | undefined;
  let text = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      const line = text.split('\n').find((l) => waiter.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  const done = runCli(args, {
    timeoutMs,
    onSpawn: (spawned) => {
      child = spawned;
      spawned.stdout?.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        check();
      });
    },
  });
  return {
    child: () => {
      if (!child) throw new Error('the CLI has not started');
      return child;
    },
    waitFor: (pattern, waitMs = 60_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${pattern} within ${waitMs} ms; output so far:\n${text}`)),
          waitMs,
        );
        waiters.push({ pattern, resolve: (line) => (clearTimeout(timer), resolve(line)) });
        check();
        void done.then((r) =>
          reject(
            new Error(`the CLI ended (exit ${r.exitCode}) before a line matched ${pattern}:\n${r.stdout}${r.stderr}`),
          ),
        );
      }),
    done,
  };
}

/** For assertion messages. */
export function describeRun(result: CliResult): string {
  return `exit ${result.exitCode}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`;
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
  fleet: Pick<RolloutLab, 'inventory' | 'tmp'>,
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
