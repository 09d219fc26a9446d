/** Runs the built conntrack-fleet CLI against a VM and reads what it reports; snapshots the guest's persisted state. */
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCommand } from './image/exec.js';
import type { Vm } from './vm.js';
import { sshOk } from './support.js';

/** CONNTRACK_FLEET_CLI points at another build (e.g. one made outside the repo). */
export const cliFile = resolve(process.env.CONNTRACK_FLEET_CLI ?? 'dist/cli/main.js');

export function cliSkipReason(): string | null {
  return existsSync(cliFile) ? null : `build the CLI first (npm run build): ${cliFile} is missing`;
}

export interface CliRun {
  exitCode: number | null;
  report: RunReportShape;
  stderr: string;
}

/** The parts of the JSON report the tests read. */
export interface RunReportShape {
  exit_code: number;
  hosts: {
    host: string;
    outcome: string;
    error: string | null;
    steps: { step: string; outcome: string; error: string | null }[];
  }[];
}

const playbookDirs: string[] = [];
process.once('exit', () => playbookDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

export async function writePlaybook(yamlText: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'conntrack-fleet-e2e-'));
  playbookDirs.push(dir);
  const file = join(dir, 'playbook.yaml');
  await writeFile(file, yamlText);
  return file;
}

export async function runPlaybook(vm: Vm, playbookFile: string): Promise<CliRun> {
  return runCliJson(vm, ['run', playbookFile]);
}

/** Any CLI command against the VM's inventory, with the JSON report on stdout. */
export async function runCliJson(vm: Vm, commandArgs: string[]): Promise<CliRun> {
  const args = [cliFile, ...commandArgs, '-i', vm.inventoryFile, '--output', 'json'];
  const result = await runCommand(process.execPath, args, {
    timeoutMs: 300_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  let report: RunReportShape;
  try {
    report = JSON.parse(result.stdout) as RunReportShape;
  } catch (error) {
    throw new Error(`the CLI printed no JSON report (exit ${result.exitCode}): ${result.stderr.slice(-2000)}`, {
      cause: error,
    });
  }
  return { exitCode: result.exitCode, report, stderr: result.stderr };
}

/** Every file under the places persist writes, with its sha256 and mode: equal snapshots = byte-identical files. */
export function snapshotPersistedFiles(vm: Vm): Promise<string> {
  const dirs = '/etc/sysctl.conf /etc/sysctl.d /etc/modprobe.d /etc/modules-load.d';
  return sshOk(
    vm,
    `find ${dirs} -type f -o -type l | LC_ALL=C sort | while read -r f; do echo "$(stat -c '%a %U' "$f") $(sha256sum < "$f" | cut -c1-16) $f"; done`,
  );
}

export async function readKnobs(vm: Vm): Promise<Record<string, number>> {
  const names = [
    'nf_conntrack_max',
    'nf_conntrack_buckets',
    'nf_conntrack_tcp_timeout_established',
    'nf_conntrack_tcp_timeout_close_wait',
  ];
  const out = await sshOk(vm, names.map((name) => `cat /proc/sys/net/netfilter/${name}`).join('\n'));
  const values = out.trim().split('\n').map(Number);
  return Object.fromEntries(names.map((name, i) => [name.replace('nf_conntrack_', ''), values[i] ?? NaN]));
}
