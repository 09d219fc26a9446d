/**
 * `npm run lab -- up [N] [--port-base P]`, `npm run lab -- down`, `npm run lab -- status`, `npm run lab -- --help`.
 * `up` while a lab is up: with the same N it only reprints how to use it (exit 0); with another N it refuses
 * (exit 1) until `down`. A lab whose processes died (a reboot) is cleaned up first.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPortBase, labSkipReason, openLab, startLab, type Lab } from './lab.js';
import { labPathsFor } from './layout.js';
import { isRunning } from './processes.js';
import { readLabState } from './state.js';

const repoDir = fileURLToPath(new URL('../..', import.meta.url));
const labDir = path.join(repoDir, '.lab');
const inventoryFile = path.join(repoDir, 'inventories', 'lab.yaml');
const knownHostsFile = path.join(repoDir, 'inventories', 'lab.known_hosts');
const defaultHostCount = 5;
const usage = [
  'usage: npm run lab -- up [N] [--port-base PORT] | down | status | --help',
  '  up       start N local hosts (default 5): a real sshd each, in its own namespaces, on 127.0.0.1 ports from PORT',
  `           (default ${defaultPortBase}; ports in use are skipped); writes inventories/lab.yaml and inventories/lab.known_hosts`,
  '  down     stop every process of the lab and delete its files',
  '  status   list the hosts and whether they run',
  'Needs root, sshd, socat, util-linux. The whole story in one command: npm run demo',
].join('\n');

function relative(file: string): string {
  return path.relative(process.cwd(), file) || '.';
}

function printHowToUse(lab: Lab): void {
  const first = lab.hosts[0];
  console.log(`lab up: ${lab.hosts.length} hosts on 127.0.0.1`);
  for (const host of lab.hosts) console.log(`  ${host.name.padEnd(8)} port ${host.port}`);
  console.log(`inventory:   ${relative(lab.inventoryFile)}  (known hosts: ${relative(lab.knownHostsFile)})`);
  console.log(`try:         node dist/cli/main.js check -i ${relative(lab.inventoryFile)}   (after npm run build)`);
  if (first) {
    const ssh = `ssh -i ${lab.privateKeyFile} -o UserKnownHostsFile=${lab.knownHostsFile} -p ${first.port} root@127.0.0.1`;
    console.log(`ssh:         ${ssh}`);
  }
  console.log('tear down:   npm run lab -- down');
}

/** Alive = every holder and listener the state names still runs. */
function isLabAlive(): boolean {
  const state = readLabState(labPathsFor(labDir).stateFile);
  return (
    state.hosts.length === state.hostCount &&
    state.hosts.every((h) => isRunning(h.holder) && h.listener && isRunning(h.listener))
  );
}

function parseUpArgs(args: string[]): { count: number; portBase: number } | null {
  let count = defaultHostCount;
  let portBase = defaultPortBase;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--help' || arg === '-h') return null;
    if (arg === '--port-base') portBase = Number(args[++i]);
    else if (/^\d+$/.test(arg)) count = Number(arg);
    else return null;
  }
  return count >= 1 && Number.isInteger(portBase) && portBase > 0 && portBase < 65536 ? { count, portBase } : null;
}

async function up(args: string[]): Promise<number> {
  const parsed = parseUpArgs(args);
  if (!parsed) {
    console.error(usage);
    return 2;
  }
  const { count, portBase } = parsed;
  const skipReason = labSkipReason();
  if (skipReason) {
    console.error(`lab: cannot start: ${skipReason}`);
    return 1;
  }
  if (existsSync(labPathsFor(labDir).stateFile)) {
    if (!isLabAlive()) {
      console.log('lab: some processes of the previous lab are gone; tearing it down first');
      await openLab(labDir).down();
    } else {
      const lab = openLab(labDir);
      if (lab.hosts.length !== count) {
        console.error(`lab: already up with ${lab.hosts.length} hosts; run \`npm run lab -- down\` first`);
        return 1;
      }
      console.log('lab: already up');
      printHowToUse(lab);
      return 0;
    }
  }
  const startedAt = Date.now();
  const lab = await startLab({ count, dir: labDir, portBase, inventoryFile, knownHostsFile });
  console.log(`lab: started in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  printHowToUse(lab);
  return 0;
}

async function down(): Promise<number> {
  if (!existsSync(labPathsFor(labDir).stateFile)) {
    console.log('lab: no lab is up');
    return 0;
  }
  const lab = openLab(labDir);
  await lab.down();
  console.log(
    `lab down: ${lab.hosts.length} host${lab.hosts.length === 1 ? '' : 's'} stopped, ${relative(labDir)} and the lab inventory removed`,
  );
  return 0;
}

function status(): number {
  if (!existsSync(labPathsFor(labDir).stateFile)) {
    console.log('lab: no lab is up');
    return 0;
  }
  const state = readLabState(labPathsFor(labDir).stateFile);
  for (const host of state.hosts) {
    const running = isRunning(host.holder) && host.listener !== undefined && isRunning(host.listener);
    console.log(`${host.name.padEnd(8)} port ${host.port ?? '-'}  ${running ? 'running' : 'NOT RUNNING'}`);
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === 'up') return up(args);
  if (command === 'down') return down();
  if (command === 'status') return status();
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(usage);
    return 0;
  }
  console.error(usage);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`lab: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
