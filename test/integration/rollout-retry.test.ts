/** `--retry-file` round trip on lab hosts: the file lists only the hosts to redo, and `run -i FILE` redoes just those. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { describeRun } from './live-cli.js';
import { setSysctlConfImmutable } from './rollout-faults.js';
import { hostJournals, knob, skipReason, writePlaybook } from './rollout-lab.js';
import { runCli } from './run-cli.js';
import { useRolloutLab, type RolloutSuiteLab } from './rollout-suite.js';

const portBase = 26500;
/** Nothing listens here: the host is unreachable. */
const deadPort = portBase + 99;

type InventoryDoc = { all: { children: { lab: { hosts: Record<string, Record<string, unknown>> } } } };

/** The lab's inventory moved to inventories/, with the key path RELATIVE to it and an unreachable host added. */
async function writeRelativeInventory(fleet: RolloutSuiteLab): Promise<string> {
  const doc = parse(await readFile(fleet.inventory, 'utf8')) as InventoryDoc;
  const dir = path.join(fleet.tmp, 'inventories');
  await mkdir(dir, { recursive: true });
  const hosts = doc.all.children.lab.hosts;
  for (const vars of Object.values(hosts))
    vars['ansible_ssh_private_key_file'] = path.relative(dir, fleet.lab.privateKeyFile);
  hosts['ghost'] = { ...hosts['lab1'], ansible_port: deadPort };
  const file = path.join(dir, 'fleet.yaml');
  await writeFile(file, stringify(doc));
  return file;
}

describe('--retry-file', { skip: skipReason ?? false }, () => {
  const fleet = useRolloutLab(3, portBase);

  it('lists failed and unreachable hosts with a key path that resolves from its own directory; rerunning it redoes just those', async () => {
    const inventory = await writeRelativeInventory(fleet);
    // `hosts: lab`: the retry inventory must keep the group for the playbook to match
    const playbook = await writePlaybook(fleet.tmp, 'tune', 'hosts: lab');
    // deeper than the inventory, so the inventory's relative key path would not resolve from here
    const retryDir = path.join(fleet.tmp, 'retry', 'nightly');
    await mkdir(retryDir, { recursive: true });
    const retryFile = path.join(retryDir, 'retry.yaml');
    await setSysctlConfImmutable(fleet.lab, 'lab2', true);
    const first = await runCli([
      'run',
      playbook,
      '-i',
      inventory,
      '--retry-file',
      retryFile,
      '-o',
      'plain',
      '--connect-timeout',
      '3000',
    ]);
    await setSysctlConfImmutable(fleet.lab, 'lab2', false);
    assert.equal(first.exitCode, 1, describeRun(first));
    assert.match(first.stderr, /retry inventory: 2 hosts in .*retry\.yaml/);

    const retry = parse(await readFile(retryFile, 'utf8')) as {
      all: {
        hosts: Record<string, Record<string, unknown>>;
        children: Record<string, { hosts: Record<string, null> }>;
      };
    };
    assert.deepEqual(Object.keys(retry.all.hosts), ['lab2', 'ghost']);
    assert.deepEqual(retry.all.children, { lab: { hosts: { lab2: null, ghost: null } } });
    const keyFile = retry.all.hosts['lab2']?.['ansible_ssh_private_key_file'] as string;
    assert.ok(path.isAbsolute(keyFile) && existsSync(keyFile), keyFile);
    assert.equal(retry.all.hosts['ghost']?.['ansible_port'], deadPort);

    const second = await runCli([
      'run',
      playbook,
      '-i',
      retryFile,
      '-o',
      'plain',
      '--connect-timeout',
      '3000',
      '--retry-file',
      retryFile,
    ]);
    assert.equal(second.exitCode, 1, describeRun(second));
    assert.match(second.stdout, /^lab2: changed$/m);
    assert.match(second.stdout, /^ghost: unreachable/m);
    assert.doesNotMatch(second.stdout, /^lab[13]:/m);
    assert.equal(await knob(fleet.lab, 'lab2'), '262144');
    // lab1 and lab3 were tuned by the first run only; lab2 was rolled back once, then tuned by the retry
    const states = await Promise.all(
      fleet.names.map(async (h) => (await hostJournals(fleet.lab, h)).map((j) => j.state)),
    );
    assert.deepEqual(states, [['done'], ['rolled-back', 'done'], ['done']]);
    assert.deepEqual(Object.keys((parse(await readFile(retryFile, 'utf8')) as typeof retry).all.hosts), ['ghost']);
  });
});
