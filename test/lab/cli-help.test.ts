/** `npm run lab -- --help` and `npm run demo -- --help`: usage on stdout, exit 0; a wrong word: usage on stderr, exit 2. No root needed. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const run = (file: string, args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(file, import.meta.url)), ...args], {
    encoding: 'utf8',
  });

describe('lab and demo --help', () => {
  for (const args of [['--help'], ['-h'], ['help']]) {
    it(`lab ${args.join(' ')}: exit 0 with usage naming up/down/status and --port-base`, () => {
      const result = run('./cli.ts', args);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /^usage: npm run lab -- up \[N\] \[--port-base PORT\] \| down \| status/);
      assert.match(result.stdout, /npm run demo/);
    });
  }

  it('lab with an unknown command: usage on stderr, exit 2', () => {
    const result = run('./cli.ts', ['sideways']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^usage: npm run lab/);
  });

  it('demo --help: exit 0, its flags; a bad flag: exit 2', () => {
    const help = run('./demo.ts', ['--help']);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^usage: npm run demo \[-- --hosts N .*--port-base PORT/);
    const bad = run('./demo.ts', ['--hosts', '2']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^usage: npm run demo/);
  });
});
