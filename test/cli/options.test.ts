import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { connectOptionsFrom, type HostOptionValues } from '../../src/cli/options.js';
import { InputError } from '../../src/errors.js';
import { chooseKnownHostsFiles } from '../../src/transport/known-hosts-file.js';

const base: HostOptionValues = {
  inventory: ['inv.yaml'],
  forks: '20',
  connectTimeout: '10000',
  keepaliveInterval: '15000',
  maxHandshakes: '10',
};

test('--known-hosts and --global-known-hosts must name existing files: a typo is not an empty trust store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ctf-opt-'));
  const user = join(dir, 'known_hosts');
  const global = join(dir, 'ssh_known_hosts');
  writeFileSync(user, '');
  writeFileSync(global, '');
  const options = connectOptionsFrom({ ...base, knownHosts: user, globalKnownHosts: [global, '/dev/null'] });
  assert.equal(options.knownHostsFile, user);
  assert.deepEqual(options.globalKnownHostsFiles, [global, '/dev/null']);
  assert.equal(
    connectOptionsFrom(base).globalKnownHostsFiles,
    undefined,
    'default: GlobalKnownHostsFile, else /etc/ssh',
  );
  const missing = join(dir, 'nope');
  assert.throws(
    () => connectOptionsFrom({ ...base, knownHosts: missing }),
    (e) => e instanceof InputError && e.message === `--known-hosts ${missing}: no such file`,
  );
  assert.throws(
    () => connectOptionsFrom({ ...base, globalKnownHosts: [missing] }),
    (e) => e instanceof InputError && /--global-known-hosts .*: no such file/.test(e.message),
  );
});

test('-K and --ask-become-pass set askBecomePass, as ansible-playbook -K; absent by default', async () => {
  const { Command } = await import('commander');
  const { addHostOptions } = await import('../../src/cli/options.js');
  for (const [args, expected] of [
    [['-K'], true],
    [['--ask-become-pass'], true],
    [[], undefined],
  ] as const) {
    const command = addHostOptions(new Command('x')).exitOverride();
    command.parse(['-i', 'inv.yaml', ...args], { from: 'user' });
    assert.equal(command.opts<HostOptionValues>().askBecomePass, expected, args.join(' '));
  }
});

test('--known-hosts none and --global-known-hosts none name no file, as `none` in ssh_config(5)', () => {
  const options = connectOptionsFrom({ ...base, knownHosts: 'none', globalKnownHosts: ['NONE'] });
  assert.equal(options.knownHostsFile, 'none');
  assert.deepEqual(options.globalKnownHostsFiles, ['none']);
  const files = chooseKnownHostsFiles(options, {}, '/home/op');
  assert.deepEqual(files, { user: [], global: [] }, 'no file is read or added to');
});
