/**
 * Secrets never leave the controller's memory: `check`, `run` and `rollback` with a passphrase-protected key
 * (CONNTRACK_FLEET_SSH_PASSPHRASE) on a lab host, then every artefact is searched for the passphrase and for the
 * private key's material: stdout, stderr, the --report JSON, the --log file, and the journal and lock files on
 * the host. A control run without the passphrase shows the key really is encrypted (so the runs above used it).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { startLab, type Lab } from '../lab/lab.js';
import { type CliResult, runCli } from './run-cli.js';
import { labSkip } from './run-lab.js';

const portBase = 27900;
const passphrase = 'cf-Secret pass;phrase$(x)7';

/** Every artefact must be free of these: the passphrase, and lines of the private key's base64 body. */
function secretsOf(keyText: string): string[] {
  const body = keyText.split('\n').filter((line) => line.length > 0 && !line.startsWith('-----'));
  return [passphrase, ...body];
}

function assertClean(what: string, text: string, secrets: string[]): void {
  for (const secret of secrets) assert.ok(!text.includes(secret), `${what} contains a secret (${secret.slice(0, 6)}…)`);
}

describe('secrets: a passphrase-protected key leaves no trace in any artefact', { skip: labSkip }, () => {
  let lab: Lab;
  let tmp = '';
  let inventory = '';
  let secrets: string[] = [];
  const env = { CONNTRACK_FLEET_SSH_PASSPHRASE: passphrase };

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'cf-secrets-'));
    const labInventory = path.join(tmp, 'lab-inventory.yaml');
    lab = await startLab({
      count: 1,
      dir: path.join(tmp, 'lab'),
      portBase,
      inventoryFile: labInventory,
      knownHostsFile: path.join(tmp, 'known_hosts'),
    });
    // the lab's key, re-encrypted: same public key, so the host still accepts it
    const keyFile = path.join(tmp, 'id_encrypted');
    await copyFile(lab.privateKeyFile, keyFile);
    await promisify(execFile)('ssh-keygen', ['-q', '-p', '-P', '', '-N', passphrase, '-f', keyFile]);
    secrets = [
      ...secretsOf(await readFile(keyFile, 'utf8')),
      ...secretsOf(await readFile(lab.privateKeyFile, 'utf8')).slice(1),
    ];
    const text = (await readFile(labInventory, 'utf8')).replaceAll(lab.privateKeyFile, keyFile);
    assert.ok(text.includes(keyFile), 'the inventory names the encrypted key');
    inventory = path.join(tmp, 'inventory.yaml');
    await writeFile(inventory, stringify(parse(text)));
  });

  after(async () => {
    await lab?.down();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('control: without the passphrase the key cannot be used', async () => {
    const result = await runCli(['check', '-i', inventory, '-o', 'plain'], {
      env: { CONNTRACK_FLEET_SSH_PASSPHRASE: undefined },
    });
    assert.equal(result.exitCode, 1, result.stdout + result.stderr);
    assert.match(result.stdout + result.stderr, /encrypted and no passphrase is available/);
  });

  it('check, run (with --report and --log) and rollback: no artefact holds the passphrase or the key', async () => {
    const playbook = path.join(tmp, 'tune.yaml');
    await writeFile(
      playbook,
      'hosts: all\nsteps:\n  - raise_max: { value: 262144 }\n  - set_timeouts: { tcp_timeout_established: 86400 }\n  - persist: { file: /etc/sysctl.conf }\n',
    );
    const report = path.join(tmp, 'report.json');
    const log = path.join(tmp, 'run.log');
    const results: Array<[string, CliResult]> = [];
    results.push(['check', await runCli(['check', '-i', inventory, '-o', 'json'], { env })]);
    results.push([
      'run',
      await runCli(['run', playbook, '-i', inventory, '-o', 'plain', '--report', report, '--log', log], { env }),
    ]);
    const journals = await lab.exec(
      lab.hosts[0]?.name ?? '',
      'cat /var/lib/conntrack-fleet/journal/* /var/lib/conntrack-fleet/*.lock 2>/dev/null; ls -la /var/lib/conntrack-fleet /var/lib/conntrack-fleet/journal',
    );
    results.push([
      'rollback',
      await runCli(['rollback', '--last', '-i', inventory, '-o', 'plain', '--report', `${report}.rollback`], { env }),
    ]);
    for (const [name, result] of results) {
      assert.equal(result.exitCode, 0, `${name}: ${result.stdout}\n${result.stderr}`);
      assertClean(`${name} stdout`, result.stdout, secrets);
      assertClean(`${name} stderr`, result.stderr, secrets);
    }
    assert.match(journals.stdout, /"run_id"/, 'the journal was read (so its absence of secrets means something)');
    assertClean('on-host journal and lock files', journals.stdout, secrets);
    assertClean('--report', await readFile(report, 'utf8'), secrets);
    assertClean('rollback --report', await readFile(`${report}.rollback`, 'utf8'), secrets);
    const logText = await readFile(log, 'utf8');
    assert.match(logText, /raise_max/, 'the log was written');
    assertClean('--log', logText, secrets);
  });
});
