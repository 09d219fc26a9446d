/** A lab per `run` test file (own temp dir, own port base) and the CLI runs against it, with the JSON report read back. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { labSkipReason, startLab, type Lab } from '../lab/lab.js';
import { resolveCommand } from '../lab/prerequisites.js';
import { runCli, repoDir, type CliOptions, type CliResult } from './run-cli.js';

/** Why lab tests skip here (not root, no sshd…), or false: for `describe(…, { skip })`. */
export const labSkip: string | false = labSkipReason() ?? false;

/** labSkip, or why not when one of these commands is missing (e.g. chattr, iptables, script). */
export function labSkipWithout(...commands: string[]): string | false {
  const missing = commands.filter((command) => resolveCommand(command) === null);
  return labSkip || (missing.length > 0 ? `missing ${missing.join(', ')}` : false);
}

const fixturesDir = fileURLToPath(new URL('../fixtures/playbooks-integration/', import.meta.url));

export function fixture(name: string): string {
  return path.join(fixturesDir, name);
}

export const shippedPlaybook = (name: string): string => path.join(repoDir, 'playbooks', name);

/** The JSON report as the test reads it: its own types, so the shape is checked, not assumed. */
export interface StepReport {
  step: string;
  label: string;
  outcome: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  error: string | null;
  /** Only on a failed step: why, as data ('kernel-refused', 'verify-mismatch', 'apply' …). */
  error_kind?: string;
}

export interface HostReport {
  host: string;
  outcome: string;
  /** Counts from 1. */
  batch: number;
  error: string | null;
  error_kind?: string;
  warnings: string[];
  steps: StepReport[];
  rollback_mismatches: string[];
}

export interface RunReport {
  run_id: string;
  playbook: string;
  started_at: string;
  finished_at: string;
  exit_code: number;
  hosts: HostReport[];
  summary: Record<string, number>;
  gates: {
    batch: number;
    soak_ms: number | null;
    passed: boolean | null;
    failed_hosts: { host: string; reason: string }[];
  }[];
}

/** What a test reads of its lab: the hosts, and a temp dir of its own (inventory, known_hosts, playbooks, reports). */
export interface TestLab {
  readonly lab: Lab;
  readonly tmp: string;
}

export interface StartedTestLab extends TestLab {
  down(): Promise<void>;
}

/** A lab of `count` hosts on ports from portBase in a new temp dir; suites use lab-suite.ts useTestLab instead. */
export async function startTestLab(name: string, count: number, portBase: number): Promise<StartedTestLab> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), `conntrack-${name}-`));
  let lab: Lab;
  try {
    lab = await startLab({
      count,
      dir: path.join(tmp, 'lab'),
      portBase,
      inventoryFile: path.join(tmp, 'inventory.yaml'),
      knownHostsFile: path.join(tmp, 'known_hosts'),
    });
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  return {
    lab,
    tmp,
    async down() {
      await lab.down();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

export interface RunOutcome {
  cli: CliResult;
  /** null when the CLI wrote no report (bad input, crash). */
  report: RunReport | null;
}

let reportCount = 0;

/** A report path not used yet in the lab's temp dir (report-N.json). */
export function newReportFile(t: TestLab): string {
  reportCount += 1;
  return path.join(t.tmp, `report-${reportCount}.json`);
}

/** The JSON report in `file`, or null when the CLI wrote none (bad input, crash). */
export function readReport(file: string): Promise<RunReport | null> {
  return readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as RunReport,
    () => null,
  );
}

/** `conntrack-fleet ARGS… --report <tmp file>` for any command that writes a report (run, rollback), read back. */
export async function runReporting(t: TestLab, args: string[], options: CliOptions = {}): Promise<RunOutcome> {
  const reportFile = newReportFile(t);
  const cli = await runCli([...args, '--report', reportFile], { timeoutMs: 90_000, ...options });
  return { cli, report: await readReport(reportFile) };
}

/** `conntrack-fleet run PLAYBOOK -i <lab inventory> ARGS… --report <tmp file>` */
export function runPlaybook(
  t: TestLab,
  playbook: string,
  args: string[] = [],
  options: CliOptions = {},
): Promise<RunOutcome> {
  // -i repeats and merges (as in Ansible): the lab's inventory only when the caller names none
  const inventory = args.includes('-i') ? [] : ['-i', t.lab.inventoryFile];
  return runReporting(t, ['run', playbook, ...inventory, ...args], options);
}

/** For assertion messages: everything the CLI said. */
export function transcript(cli: CliResult): string {
  return `exit ${cli.exitCode}${cli.signal ? ` (${cli.signal})` : ''}\n--- stdout\n${cli.stdout}\n--- stderr\n${cli.stderr}`;
}

export function requireReport(outcome: RunOutcome): RunReport {
  assert.ok(outcome.report, `no JSON report was written\n${transcript(outcome.cli)}`);
  return outcome.report;
}

export function hostReport(report: RunReport, host: string): HostReport {
  const found = report.hosts.find((h) => h.host === host);
  assert.ok(found, `no host ${host} in the report (hosts: ${report.hosts.map((h) => h.host).join(', ')})`);
  return found;
}

export function stepReport(host: HostReport, step: string): StepReport {
  const found = host.steps.find((s) => s.step === step);
  assert.ok(found, `${host.host}: no step ${step} in the report (steps: ${host.steps.map((s) => s.step).join(', ')})`);
  return found;
}

/** host → outcome, for one deepEqual over the whole fleet. */
export function outcomesOf(report: RunReport): Record<string, string> {
  return Object.fromEntries(report.hosts.map((h) => [h.host, h.outcome]));
}

/** The plain-output lines that start with `HOST: `. */
export function linesOf(stdout: string, host: string): string[] {
  return stdout.split('\n').filter((line) => line.startsWith(`${host}: `));
}
