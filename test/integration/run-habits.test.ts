/**
 * Ansible habits of `run` and `check` (issue 9 point 5): the run id on stderr at the start and the end in every
 * output mode (JSON stdout stays one document), --check marked in the JSON and said as "would change", --diff text
 * in the JSON, --list-hosts and --syntax-check with no connection made (a TCP listener counts them), and -v/-vv/-vvv
 * on stderr without the sudo password (a normal lab user that sudo asks for one: test/lab/sudo-users.ts).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import ssh2 from 'ssh2';
import { stringify } from 'yaml';
import { useTestLab } from './lab-suite.js';
import { runCliTimed, stripTerminal } from '../bench/tty-cli.js';
import { addLabSudoUsers, labSudoUsers as users } from '../lab/sudo-users.js';
import { runCli, type CliResult } from './run-cli.js';
import { fixture, labSkipWithout, transcript, type RunReport } from './run-lab.js';

const portBase = 29620;
const playbook = fixture('tune-fast.yaml');
const startLine = (id: string, check = false) =>
  `run ${id}: started, ${playbook}${check ? ' (check mode: nothing is changed)' : ''}`;
const runIdPattern = /^run (\d{8}T\d{6}Z-[0-9a-f]{4}): started, /m;

/** The run id from the start line on stderr, checked against the end line. */
function runIdOf(cli: CliResult, text = cli.stderr): string {
  const id = runIdPattern.exec(text)?.[1];
  assert.ok(id, `no run id start line\n${transcript(cli)}`);
  assert.match(
    text,
    new RegExp(`^run ${id}: finished, exit ${cli.exitCode}`, 'm'),
    `no run id end line\n${transcript(cli)}`,
  );
  return id;
}

describe('run habits on lab hosts', { skip: labSkipWithout('sudo', 'useradd', 'chpasswd', 'script', 'stty') }, () => {
  const t = useTestLab('run-habits', 2, portBase);

  before(async () => {
    await addLabSudoUsers(t.lab, 'lab2');
  });

  const run = (args: string[], env: Record<string, string> = {}) =>
    runCli(['run', playbook, '-i', t.lab.inventoryFile, ...args], { env, timeoutMs: 90_000 });

  it('-o json --check: stdout is one JSON document marked check_mode, steps planned, the run id on stderr', async () => {
    const cli = await run(['--check', '-o', 'json']);
    assert.equal(cli.exitCode, 0, transcript(cli));
    const report = JSON.parse(cli.stdout) as RunReport & { check_mode: boolean };
    assert.equal(report.check_mode, true);
    const id = runIdOf(cli);
    assert.equal(id, report.run_id);
    assert.equal(cli.stderr.split('\n')[0], startLine(id, true));
    for (const host of report.hosts) {
      assert.equal(host.outcome, 'changed', `${host.host} has pending changes on a fresh lab host`);
      assert.ok(
        host.steps.some((s) => s.outcome === 'planned'),
        JSON.stringify(host.steps),
      );
      assert.ok(host.steps.every((s) => s.outcome === 'planned' || s.outcome === 'unchanged'));
    }
  });

  it('plain --check: "would change" on the host lines and the summary, the run id first and last on stderr', async () => {
    const cli = await run(['--check', '-o', 'plain']);
    assert.equal(cli.exitCode, 0, transcript(cli));
    const lines = cli.stdout.trimEnd().split('\n');
    assert.equal(lines.at(-1), '2 hosts: 2 would change (exit 0)');
    assert.ok(lines.includes('lab1: would change'), cli.stdout);
    assert.doesNotMatch(cli.stdout, /\bchanged\b.*\(exit/);
    const id = runIdOf(cli);
    const errLines = cli.stderr.trimEnd().split('\n');
    assert.equal(errLines[0], startLine(id, true));
    assert.equal(errLines.at(-1), `run ${id}: finished, exit 0`, 'a check run changed nothing: no undo hint');
  });

  it('tree on a terminal: the run id before the tree and after the summary', async () => {
    const cli = await runCliTimed(['run', playbook, '-i', t.lab.inventoryFile, '--check'], {
      tty: { columns: 120, rows: 40 },
      timeoutMs: 90_000,
    });
    assert.equal(cli.exitCode, 0, transcript(cli));
    const text = stripTerminal(cli.stdout);
    const id = runIdOf(cli, text);
    const lines = text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    assert.equal(lines[0], startLine(id, true));
    assert.deepEqual(lines.slice(-2), ['2 hosts: 2 would change (exit 0)', `run ${id}: finished, exit 0`]);
  });

  it('--check --diff -o json: each file the run would write has its unified diff under its step', async () => {
    const cli = await run(['--check', '--diff', '-o', 'json']);
    assert.equal(cli.exitCode, 0, transcript(cli));
    const report = JSON.parse(cli.stdout) as RunReport;
    for (const host of report.hosts) {
      const steps = host.steps as (RunReport['hosts'][number]['steps'][number] & {
        diffs?: { path: string; diff: string }[];
      })[];
      assert.ok(
        steps.every((s) => Array.isArray(s.diffs)),
        'every step has a diffs list with --diff',
      );
      const persist = steps.find((s) => s.step === 'persist');
      assert.equal(persist?.diffs?.[0]?.path, '/etc/sysctl.conf');
      assert.match(persist?.diffs?.[0]?.diff ?? '', /^--- .*\n\+\+\+ .*\n@@ /);
      assert.match(persist?.diffs?.[0]?.diff ?? '', /^\+net\.netfilter\.nf_conntrack_max ?= ?262144$/m);
    }
    const plain = JSON.parse((await run(['--check', '-o', 'json'])).stdout) as RunReport;
    assert.ok(
      plain.hosts.every((h) => h.steps.every((s) => !('diffs' in s))),
      'no diffs without --diff',
    );
  });

  it('a real run with -v as a user with a sudo password: each phase with its duration on stderr, stdout unchanged, the undo hint, no password', async () => {
    const port = t.lab.hosts.find((h) => h.name === 'lab2')?.port;
    const inventory = path.join(t.tmp, 'become.yaml');
    await writeFile(
      inventory,
      stringify({
        all: {
          hosts: {
            lab2: {
              ansible_host: '127.0.0.1',
              ansible_port: port,
              ansible_user: users.passwordUser,
              ansible_become: true,
              ansible_ssh_private_key_file: t.lab.privateKeyFile,
              ansible_ssh_common_args: `-o UserKnownHostsFile=${t.lab.knownHostsFile}`,
            },
          },
        },
      }),
    );
    const env = { CONNTRACK_FLEET_BECOME_PASSWORD: users.password };
    const logFile = path.join(t.tmp, 'habits.log');
    const verbose = await runCli(['run', playbook, '-i', inventory, '-o', 'plain', '-v', '--log', logFile], {
      env,
      timeoutMs: 90_000,
    });
    assert.equal(verbose.exitCode, 0, transcript(verbose));
    for (const phase of ['connect', 'lock', 'gather', 'raise_max', 'persist', 'journal']) {
      assert.match(verbose.stderr, new RegExp(`^lab2: ${phase} \\d+ms$`, 'm'), `${phase}\n${transcript(verbose)}`);
    }
    assert.ok(
      verbose.stdout.split('\n').every((l) => !/ \d+ms$/.test(l)),
      '-v lines stay off stdout',
    );
    const id = runIdOf(verbose);
    assert.match(
      verbose.stderr,
      new RegExp(`^run ${id}: finished, exit 0; undo with: conntrack-fleet rollback --run ${id} -i ${inventory}$`, 'm'),
    );
    const log = (await readFile(logFile, 'utf8')).trimEnd().split('\n');
    assert.match(log[0] ?? '', new RegExp(`^# \\S+ run ${id}: `));
    assert.equal(
      log.at(-1),
      `# run ${id}: finished, exit 0; undo with: conntrack-fleet rollback --run ${id} -i ${inventory}`,
    );
    assert.ok(!log.join('\n').includes(users.password));

    // -vvv on the changed host: scripts and their output, every line escaped, still no password
    const loud = await runCli(['run', playbook, '-i', inventory, '-o', 'json', '-vvv'], { env, timeoutMs: 90_000 });
    assert.equal(loud.exitCode, 0, transcript(loud));
    JSON.parse(loud.stdout);
    assert.match(loud.stderr, /^lab2: gather: sending script \(\d+ lines\)$/m);
    assert.match(loud.stderr, /^lab2: {3}> /m);
    assert.match(loud.stderr, /^lab2: gather \d+ms, exit 0$/m);
    assert.match(loud.stderr, /^lab2: {3}stdout: /m);
    assert.doesNotMatch(loud.stderr, /[\x00-\x08\x0b-\x1f\x7f]/, 'control characters are escaped');
    for (const cli of [verbose, loud]) {
      assert.ok(!(cli.stdout + cli.stderr).includes(users.password), 'the sudo password is never printed');
    }
  });

  it('-vv: the exit status of each script', async () => {
    const cli = await run(['--check', '-o', 'plain', '-vv', '--limit', 'lab1']);
    assert.equal(cli.exitCode, 0, transcript(cli));
    assert.match(cli.stderr, /^lab1: gather \d+ms, exit 0$/m);
    assert.doesNotMatch(cli.stderr, /sending script/, 'scripts only from -vvv');
  });
});

/** A TCP listener on 127.0.0.1 that counts the connections made to it (none may be). */
async function countingListener(): Promise<{ server: Server; port: number; count: () => number }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return { server, port: address.port, count: () => connections };
}

describe('--list-hosts and --syntax-check make no connection', () => {
  let dir: string;
  let inventory: string;
  let listener: Awaited<ReturnType<typeof countingListener>>;

  before(async () => {
    listener = await countingListener();
    dir = await mkdtemp(path.join(os.tmpdir(), 'conntrack-habits-'));
    inventory = path.join(dir, 'inventory.yaml');
    // a usable key, so that only --list-hosts / --syntax-check can be what keeps the CLI from connecting
    const keyFile = path.join(dir, 'id_ed25519');
    await writeFile(keyFile, ssh2.utils.generateKeyPairSync('ed25519').private, { mode: 0o600 });
    const host = { ansible_host: '127.0.0.1', ansible_port: listener.port, ansible_ssh_private_key_file: keyFile };
    await writeFile(
      inventory,
      stringify({ all: { children: { web: { hosts: { web1: host, web2: host, web3: host } } } } }),
    );
  });
  after(async () => {
    listener.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('run --list-hosts: the batches a rollout would touch, exit 0', async () => {
    const cli = await runCli([
      'run',
      playbook,
      '-i',
      inventory,
      '--list-hosts',
      '--serial',
      '1,100%',
      '--connect-timeout',
      '500',
    ]);
    assert.equal(cli.exitCode, 0, transcript(cli));
    assert.equal(
      cli.stdout,
      `\nplaybook: ${playbook}\n\n  run (all): 3 hosts in 2 batches\n    batch 1/2:\n      hosts (1):\n        web1\n    batch 2/2:\n      hosts (2):\n        web2\n        web3\n`,
    );
    assert.equal(listener.count(), 0);
  });

  it('check --list-hosts with a limit, exit 0', async () => {
    const cli = await runCli(['check', '-i', inventory, '--list-hosts', '--limit', 'web*:!web2']);
    assert.equal(cli.exitCode, 0, transcript(cli));
    assert.equal(cli.stdout, '\n  hosts (2):\n    web1\n    web3\n');
    assert.equal(listener.count(), 0);
  });

  it('run --syntax-check: `playbook: FILE`, exit 0; a bad limit or playbook: FILE:LINE:COL or the pattern error, exit 2', async () => {
    const ok = await runCli(['run', playbook, '-i', inventory, '--syntax-check']);
    assert.equal(ok.exitCode, 0, transcript(ok));
    assert.equal(ok.stdout, `\nplaybook: ${playbook}\n`);
    const badLimit = await runCli(['run', playbook, '-i', inventory, '--syntax-check', '--limit', 'db*']);
    assert.equal(badLimit.exitCode, 2, transcript(badLimit));
    const badPlaybook = path.join(dir, 'bad.yaml');
    await writeFile(badPlaybook, 'name: x\nhosts: all\nsteps:\n  - raise_max:\n      value: lots\n');
    const bad = await runCli(['run', badPlaybook, '-i', inventory, '--syntax-check']);
    assert.equal(bad.exitCode, 2, transcript(bad));
    assert.match(bad.stderr, new RegExp(`^${badPlaybook.replace(/[.]/g, '\\.')}:\\d+:\\d+: `, 'm'));
    assert.equal(listener.count(), 0);
  });

  it('the listener does count: a real check connects to it', async () => {
    const cli = await runCli(['check', '-i', inventory, '--limit', 'web1', '--connect-timeout', '1000']);
    assert.equal(cli.exitCode, 1, transcript(cli));
    assert.ok(listener.count() > 0, transcript(cli));
  });
});
