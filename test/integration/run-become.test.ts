/**
 * Become with a sudo password, as people run it: a normal login user that sudo asks for a password (test/lab/
 * sudo-users.ts). `check` and `run` succeed with CONNTRACK_FLEET_BECOME_PASSWORD (what -K asks for) or
 * ansible_become_pass, and change the host as root; a wrong password, no password, and a user without sudo rights
 * fail fast as a `become` refusal in sudo's own words, the same in the text and the JSON. The password never shows
 * in anything the run leaves: stdout, stderr, the --report JSON, the --log file, the on-host journal.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { addLabSudoUsers, labSudoUsers as users } from '../lab/sudo-users.js';
import { useTestLab } from './lab-suite.js';
import { runCli, type CliResult } from './run-cli.js';
import { execOk } from './run-host-state.js';
import {
  fixture,
  hostReport,
  labSkipWithout,
  requireReport,
  runPlaybook,
  transcript,
  type TestLab,
} from './run-lab.js';
import { expectTuned, readBefore, readTuneSpec } from './run-tune-expect.js';

const portBase = 29460;
const playbook = fixture('tune-fast.yaml');
const spec = readTuneSpec(playbook);
const envVar = 'CONNTRACK_FLEET_BECOME_PASSWORD';
/** sudo -S asks once; pam_unix waits ~2 s after a wrong password. A second attempt or a hang would take far longer. */
const quickMs = 10_000;
const journalFile = (runId: string) => `/var/lib/conntrack-fleet/journal/${runId}.json`;

interface CheckHostJson {
  host: string;
  reachable: boolean;
  error: string | null;
  error_kind?: string;
  conntrack: { max: number | null } | null;
}

/** An inventory of one lab host logging in as USER with become, plus any extra vars (e.g. ansible_become_pass). */
async function inventoryAs(
  t: TestLab,
  host: string,
  user: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const port = t.lab.hosts.find((h) => h.name === host)?.port;
  const vars = {
    ansible_host: '127.0.0.1',
    ansible_port: port,
    ansible_user: user,
    ansible_become: true,
    ansible_ssh_private_key_file: t.lab.privateKeyFile,
    ansible_ssh_common_args: `-o UserKnownHostsFile=${t.lab.knownHostsFile}`,
    ...extra,
  };
  const file = path.join(t.tmp, `inventory-${host}-${user}-${Object.keys(extra).length}.yaml`);
  await writeFile(file, stringify({ all: { hosts: { [host]: vars } } }));
  return file;
}

async function check(
  inventory: string,
  password?: string,
): Promise<{ cli: CliResult; host: CheckHostJson; ms: number }> {
  const started = Date.now();
  const cli = await runCli(['check', '-i', inventory, '-o', 'json'], {
    env: { [envVar]: password },
    timeoutMs: 60_000,
  });
  const ms = Date.now() - started;
  const parsed = JSON.parse(cli.stdout) as CheckHostJson[];
  assert.equal(parsed.length, 1, transcript(cli));
  return { cli, host: parsed[0]!, ms };
}

/** A refused sudo: unreachable (nothing was read or changed), sudo's words, the become kind in the message. */
function assertRefused(host: CheckHostJson, cli: CliResult, said: RegExp): void {
  assert.equal(host.reachable, false, transcript(cli));
  assert.equal(host.error_kind, 'become');
  assert.match(host.error ?? '', /become \(sudo -u root\) failed: /);
  assert.match(host.error ?? '', said);
  assert.doesNotMatch(host.error ?? '', /fact gathering|timed out/);
  assert.equal(cli.exitCode, 1);
}

describe('become with a sudo password (lab)', { skip: labSkipWithout('sudo', 'useradd', 'chpasswd') }, () => {
  const t = useTestLab('run-become', 2, portBase);

  before(async () => {
    for (const host of ['lab1', 'lab2']) await addLabSudoUsers(t.lab, host);
  });

  it('check as a normal user: the env var password lets sudo read the facts as root', async () => {
    const { cli, host } = await check(await inventoryAs(t, 'lab1', users.passwordUser), users.password);
    assert.equal(cli.exitCode, 0, transcript(cli));
    assert.equal(host.reachable, true);
    assert.equal(host.error, null);
    assert.equal(host.error_kind, undefined);
    assert.equal(host.conntrack?.max, 65536);
  });

  it("check honours ansible_become_pass (Ansible's alias) from the inventory", async () => {
    const { cli, host } = await check(
      await inventoryAs(t, 'lab2', users.passwordUser, { ansible_become_pass: users.password }),
    );
    assert.equal(cli.exitCode, 0, transcript(cli));
    assert.equal(host.error, null);
  });

  it('run as a normal user changes the host as root, and the password is in no artefact of the run', async () => {
    const inventory = await inventoryAs(t, 'lab1', users.passwordUser);
    const logFile = path.join(t.tmp, 'run.log');
    const before = await readBefore(t.lab, 'lab1', spec);
    const outcome = await runPlaybook(t, playbook, ['-i', inventory, '--log', logFile, '-o', 'plain'], {
      env: { [envVar]: users.password },
    });
    const report = requireReport(outcome);
    assert.deepEqual(
      report.hosts.map((h) => h.host),
      ['lab1'],
      'only the become inventory was used',
    );
    assert.equal(hostReport(report, 'lab1').outcome, 'changed', transcript(outcome.cli));
    assert.equal(outcome.cli.exitCode, 0);
    await expectTuned(t.lab, 'lab1', before, spec);

    // written by this run through sudo: owned by root, not by the login user
    const journals = await execOk(
      t.lab,
      'lab1',
      `stat -c %U ${journalFile(report.run_id)} && cat /var/lib/conntrack-fleet/journal/*`,
    );
    assert.ok(journals.startsWith('root\n'), journals.slice(0, 80));
    assert.ok(
      journals.includes(`"run_id": "${report.run_id}"`) || journals.includes(`"run_id":"${report.run_id}"`),
      'the journal must be there to be searched',
    );
    const artefacts: [string, string][] = [
      ['stdout', outcome.cli.stdout],
      ['stderr', outcome.cli.stderr],
      ['--report JSON', JSON.stringify(report)],
      ['--log file', await readFile(logFile, 'utf8')],
      ['on-host journal', journals],
    ];
    for (const [name, text] of artefacts)
      assert.ok(!text.includes(users.password), `${name} holds the become password`);
  });

  it("a wrong password is a quick become refusal with sudo's message, in the text and the JSON alike", async () => {
    const inventory = await inventoryAs(t, 'lab2', users.passwordUser);
    const { cli, host, ms } = await check(inventory, 'not-the-password');
    assertRefused(host, cli, /incorrect password attempt/);
    assert.ok(ms < quickMs, `took ${ms} ms`);

    const started = Date.now();
    const outcome = await runPlaybook(t, playbook, ['-i', inventory, '-o', 'plain'], {
      env: { [envVar]: 'not-the-password' },
    });
    const runMs = Date.now() - started;
    const result = hostReport(requireReport(outcome), 'lab2');
    assert.equal(result.outcome, 'unreachable', transcript(outcome.cli));
    assert.equal((result as { error_kind?: string }).error_kind, 'become');
    assert.match(result.error ?? '', /become \(sudo -u root\) failed: .*incorrect password attempt/);
    assert.match(outcome.cli.stdout, /lab2: unreachable: .*incorrect password attempt/);
    assert.ok(runMs < quickMs + 5_000, `run took ${runMs} ms`);
    for (const text of [outcome.cli.stdout, outcome.cli.stderr, JSON.stringify(outcome.report)])
      assert.ok(!text.includes('not-the-password'));
  });

  it('no password at all: sudo -n says a password is required, at once', async () => {
    const inventory = await inventoryAs(t, 'lab2', users.passwordUser);
    const { cli, host, ms } = await check(inventory);
    assertRefused(host, cli, /sudo: a password is required/);
    assert.ok(ms < quickMs, `took ${ms} ms`);

    // run: the host lock (a held command) is the first script; refused the same way
    const outcome = await runPlaybook(t, playbook, ['-i', inventory, '-o', 'plain']);
    const result = hostReport(requireReport(outcome), 'lab2');
    assert.equal(result.outcome, 'unreachable', transcript(outcome.cli));
    assert.equal((result as { error_kind?: string }).error_kind, 'become');
    assert.match(result.error ?? '', /become \(sudo -u root\) failed: sudo: a password is required/);
  });

  it('a user without sudo rights: sudo says it is not in the sudoers file', async () => {
    const { cli, host, ms } = await check(await inventoryAs(t, 'lab2', users.noSudoUser), users.noSudoPassword);
    assertRefused(host, cli, /is not in the sudoers file/);
    assert.ok(ms < quickMs, `took ${ms} ms`);
    assert.ok(!cli.stdout.includes(users.noSudoPassword) && !cli.stderr.includes(users.noSudoPassword));
  });
});
