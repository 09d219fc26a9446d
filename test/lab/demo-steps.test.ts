/** The pure parts of `npm run demo`: when a build is due, and how a command line is shown. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { buildIsStale, shellLine } from './demo-steps.js';

describe('demo steps', () => {
  const repo = mkdtempSync(path.join(os.tmpdir(), 'ctf-demo-steps-'));
  after(() => rmSync(repo, { recursive: true, force: true }));
  const touch = (file: string, secondsAgo: number) => {
    const full = path.join(repo, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, '');
    const t = Date.now() / 1000 - secondsAgo;
    utimesSync(full, t, t);
  };

  it('a build is due without dist/cli/main.js, or when a file under src/ is newer; not otherwise', () => {
    touch('src/cli/main.ts', 100);
    assert.equal(buildIsStale(repo), true, 'no dist');
    touch('dist/cli/main.js', 50);
    assert.equal(buildIsStale(repo), false, 'dist newer than src');
    touch('src/steps/deep/new.ts', 10);
    assert.equal(buildIsStale(repo), true, 'a nested src file is newer');
  });

  const cases: [string[], string][] = [
    [
      ['node', 'dist/cli/main.js', 'check', '-i', '/tmp/x/inventory.yaml'],
      'node dist/cli/main.js check -i /tmp/x/inventory.yaml',
    ],
    [['run', '--limit', 'web*:!canary'], "run --limit 'web*:!canary'"],
    [['echo', "it's"], "echo 'it'\\''s'"],
  ];
  for (const [words, line] of cases) {
    it(`shellLine ${JSON.stringify(words)} → ${line}`, () => assert.equal(shellLine(words), line));
  }
});
