/**
 * What `run` prints: plain lines when stdout is not a terminal (no ANSI, every line `HOST: …`, `fleet: …` or the
 * summary), NO_COLOR beating FORCE_COLOR, the JSON report's shape (--report FILE and -o json), and the live listr2
 * tree on a real pseudo-terminal (util-linux `script`). lab2's /etc/sysctl.conf is immutable, so the run has a
 * rollback to print too.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { repoDir, type CliResult } from './run-cli.js';
import { setImmutable } from './run-inject.js';
import { useTestLab } from './lab-suite.js';
import { fixture, labSkipWithout, runPlaybook, transcript, type RunOutcome, type RunReport } from './run-lab.js';

const portBase = 25500;
const playbook = fixture('tune-fast.yaml');
const hosts = ['lab1', 'lab2'];
const ansi = /\x1b\[/;
const summaryLine = /^\d+ hosts?: .+ \(exit \d+\)$/;
const noColor = { NO_COLOR: undefined, FORCE_COLOR: undefined };
const outcomes = ['unchanged', 'changed', 'failed', 'rolled-back', 'rollback-failed', 'unreachable', 'skipped'];

function expectPlainLines(stdout: string): string[] {
  const lines = stdout.trimEnd().split('\n');
  const allowed = new RegExp(`^(${hosts.join('|')}|fleet): `);
  for (const line of lines.slice(0, -1))
    assert.match(line, allowed, 'each line but the last starts with a host or fleet:');
  assert.match(lines[lines.length - 1] ?? '', summaryLine, 'the last line is the summary');
  return lines;
}

function expectReportShape(report: RunReport, exitCode: number | null, playbookFile: string): void {
  assert.deepEqual(Object.keys(report).sort(), [
    'check_mode',
    'exit_code',
    'finished_at',
    'gates',
    'hosts',
    'playbook',
    'run_id',
    'started_at',
    'summary',
  ]);
  assert.match(report.run_id, /^\S+$/);
  assert.equal(report.playbook, playbookFile);
  assert.equal(report.exit_code, exitCode);
  const [started, finished] = [Date.parse(report.started_at), Date.parse(report.finished_at)];
  assert.ok(
    new Date(started).toISOString() === report.started_at && finished >= started,
    'ISO times, finished after started',
  );
  assert.deepEqual(report.hosts.map((h) => h.host).sort(), hosts);
  for (const host of report.hosts) {
    assert.ok(outcomes.includes(host.outcome), host.outcome);
    assert.ok(host.steps.length === 5, `${host.host}: one entry per playbook step`);
    for (const step of host.steps) {
      assert.deepEqual(
        ['after', 'before', 'error', 'outcome', 'step'].filter((k) => k in step),
        ['after', 'before', 'error', 'outcome', 'step'],
      );
      assert.equal(typeof step.before, 'object');
      assert.equal(typeof step.after, 'object');
    }
  }
  assert.deepEqual(Object.keys(report.summary).sort(), [...outcomes].sort());
  for (const outcome of outcomes) {
    assert.equal(
      report.summary[outcome],
      report.hosts.filter((h) => h.outcome === outcome).length,
      `summary.${outcome}`,
    );
  }
}

/** The CLI on a pseudo-terminal of 120×40 (a 0×0 pty would make listr2 wrap after every character). */
function runInTty(args: string[], timeoutMs = 60_000): Promise<CliResult> {
  const quoted = args.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const command = `stty cols 120 rows 40; exec '${process.execPath}' --import tsx src/cli/main.ts ${quoted}`;
  return new Promise((resolve, reject) => {
    const env = { ...process.env, TERM: 'xterm-256color', ...noColor };
    const child = spawn('script', ['-qefc', command, '/dev/null'], {
      cwd: repoDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, stdout, stderr });
    });
  });
}

describe(
  'run output: plain, NO_COLOR, JSON report, live tree',
  { skip: labSkipWithout('chattr', 'script', 'stty') },
  () => {
    const t = useTestLab('run-output', hosts.length, portBase, {
      beforeDown: async (t) => {
        await t.lab.exec('lab2', 'chattr -i /etc/sysctl.conf').catch(() => undefined);
      },
    });
    let run: RunOutcome;

    before(async () => {
      await setImmutable(t.lab, 'lab2', '/etc/sysctl.conf', true);
      run = await runPlaybook(t, playbook, [], { env: noColor });
    });

    it('plain when not a TTY: no ANSI, every line a host, fleet: or the summary; the summary agrees with the report', () => {
      assert.equal(run.cli.exitCode, 1, transcript(run.cli));
      assert.doesNotMatch(run.cli.stdout + run.cli.stderr, ansi);
      const lines = expectPlainLines(run.cli.stdout);
      assert.ok(
        lines.some((l) => l.startsWith('lab2: rolling back: ')),
        'the rollback is printed',
      );
      assert.equal(lines[lines.length - 1], '2 hosts: 1 changed, 1 rolled-back (exit 1)');
      assert.deepEqual([run.report?.summary['changed'], run.report?.summary['rolled-back']], [1, 1]);
    });

    it('--report FILE: run_id, playbook, started_at, finished_at, exit_code, hosts[…steps…], summary counts', () => {
      assert.ok(run.report, transcript(run.cli));
      expectReportShape(run.report, run.cli.exitCode, playbook);
      const lab2 = run.report.hosts.find((h) => h.host === 'lab2');
      assert.match(lab2?.steps.find((s) => s.step === 'persist')?.error ?? '', /Operation not permitted/);
    });

    it('-o json: stdout is exactly one report document of the same shape', async () => {
      const { cli } = await runPlaybook(t, playbook, ['--check', '-o', 'json'], { env: noColor });
      assert.equal(cli.exitCode, 0, transcript(cli));
      expectReportShape(JSON.parse(cli.stdout) as RunReport, 0, playbook);
    });

    it('NO_COLOR wins over FORCE_COLOR (and FORCE_COLOR alone does color, so the check can see color)', async () => {
      const forced = await runPlaybook(t, playbook, ['--check'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
      assert.match(forced.cli.stdout, ansi);
      const both = await runPlaybook(t, playbook, ['--check'], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
      assert.equal(both.cli.exitCode, 0, transcript(both.cli));
      assert.doesNotMatch(both.cli.stdout, ansi);
      expectPlainLines(both.cli.stdout);
    });

    it('on a terminal: the live tree shows host → step lines and the summary, and the process exits', async () => {
      const plain = await runPlaybook(t, playbook, ['--check'], { env: noColor });
      const tty = await runInTty(['run', playbook, '-i', t.lab.inventoryFile, '--check']);
      assert.equal(tty.exitCode, 0, transcript(tty));
      assert.match(tty.stdout, ansi, 'a terminal gets ANSI');
      const text = tty.stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replaceAll('\r', '');
      for (const host of hosts) {
        assert.match(
          text,
          new RegExp(`^✔ ${host} — (would change|unchanged)\\n(  .*\\n)*  ✔ raise_max: nf_conntrack_max `, 'm'),
          `${host} → steps`,
        );
      }
      const summary = plain.cli.stdout.trimEnd().split('\n').at(-1) ?? '';
      assert.match(summary, summaryLine);
      // the run id line (stderr, on the same terminal) follows the summary
      assert.equal(text.trimEnd().split('\n').at(-2), summary, 'the same summary line as the plain output');
      assert.match(text.trimEnd().split('\n').at(-1) ?? '', /^run \S+: finished, exit 0$/);
    });
  },
);
