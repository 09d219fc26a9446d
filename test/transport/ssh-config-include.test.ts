import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { sshConfigIncludeReader } from '../../src/transport/ssh-config-include.js';

const home = mkdtempSync(path.join(os.tmpdir(), 'cf-include-'));
after(() => rmSync(home, { recursive: true, force: true }));
mkdirSync(path.join(home, '.ssh', 'conf.d', 'sub'), { recursive: true });
for (const name of ['b.conf', 'a.conf', '.hidden.conf', 'A.CONF', 'c.txt'])
  writeFileSync(path.join(home, '.ssh', 'conf.d', name), `# ${name}\n`);
writeFileSync(path.join(home, '.ssh', 'conf.d', 'sub', 'x.conf'), '# sub\n');

const read = sshConfigIncludeReader(home);
const names = (word: string) => read(word).map((found) => path.relative(home, found.file));

test('relative paths are under ~/.ssh, ~ is the home; * and ? glob, sorted, no dot files, case-sensitive', () => {
  assert.deepEqual(names('conf.d/*.conf'), ['.ssh/conf.d/a.conf', '.ssh/conf.d/b.conf']);
  assert.deepEqual(names('~/.ssh/conf.d/?.conf'), ['.ssh/conf.d/a.conf', '.ssh/conf.d/b.conf']);
  assert.deepEqual(names(`${home}/.ssh/*/sub/*`), ['.ssh/conf.d/sub/x.conf']);
  assert.deepEqual(names('conf.d/c.txt'), ['.ssh/conf.d/c.txt']);
  assert.equal(read('conf.d/a.conf')[0]?.text, '# a.conf\n');
});

test('a pattern matching nothing is skipped, as in ssh; a directory is not a config file', () => {
  assert.deepEqual(names('nothing/*'), []);
  assert.deepEqual(names('conf.d'), []);
});
