import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadSshConfig } from '../../src/cli/ssh-config-file.js';
import { lookupSshConfig, type SshConfig } from '../../src/transport/ssh-config.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cf-sshcfg-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const home = path.join(dir, 'home');
const etc = path.join(dir, 'etc-ssh');
mkdirSync(path.join(home, '.ssh'), { recursive: true });
mkdirSync(path.join(etc, 'ssh_config.d'), { recursive: true });
const systemFile = path.join(etc, 'ssh_config');
// Debian's layout: the system file includes ssh_config.d/*.conf, relative to /etc/ssh
writeFileSync(systemFile, 'Include ssh_config.d/*.conf\nHost *\n  User sysuser\n');
writeFileSync(
  path.join(etc, 'ssh_config.d', 'bastion.conf'),
  'Host *.internal\n  ProxyJump jump.example.com\n  Port 2200\n',
);
const userFile = path.join(home, '.ssh', 'config');
writeFileSync(userFile, 'Host db.internal\n  Port 2222\n');

const lookup = (config: SshConfig | null, alias: string) => {
  assert.ok(config);
  return lookupSshConfig(config, alias, { localUser: 'me' });
};

test('without -F: ~/.ssh/config, then /etc/ssh/ssh_config with its includes; the first value wins across both', () => {
  const config = loadSshConfig(undefined, home, systemFile);
  const db = lookup(config, 'db.internal');
  assert.equal(db.port, 2222, 'the user file comes first');
  assert.equal(db.user, 'sysuser');
  assert.equal(db.proxy?.kind, 'jump', 'the system-wide bastion applies: the host is never contacted directly');
  assert.equal(lookup(config, 'web.internal').port, 2200);
});

test('-F FILE reads only FILE (ssh(1) -F: the system-wide file is ignored); no file at all is no config', () => {
  const config = loadSshConfig(userFile, home, systemFile);
  assert.deepEqual(lookup(config, 'web.internal'), { identityFiles: [] });
  assert.equal(loadSshConfig(undefined, path.join(dir, 'nobody'), path.join(dir, 'none')), null);
  assert.throws(
    () => loadSshConfig(path.join(dir, 'missing'), home, systemFile),
    /--ssh-config .*missing: no such file/,
  );
});
