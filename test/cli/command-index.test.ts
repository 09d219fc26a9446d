/**
 * Start-up stays light (issue #10): `--version` and `--help` load no command module, and a command loads only its
 * own. Checked structurally, by the modules a child process actually loads (a module hook lists every URL), not by
 * timing. Also: the index's top-level help is the same text as with every command registered.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { commandIndex, commandsFor } from '../../src/cli/command-index.js';
import { repoDir } from '../integration/run-cli.js';

Reflect.set(globalThis, Symbol.for('conntrack-fleet.embedded'), true);
const { buildProgram } = await import('../../src/cli/main.js');

/** A module hook (run in the hooks thread) that writes each loaded URL to stderr as `LOADED url`. */
const listLoads = `data:text/javascript,${encodeURIComponent(`
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(
  "import { writeSync } from 'node:fs';" +
  "export async function load(url, context, next) { writeSync(2, 'LOADED ' + url + '\\\\n'); return next(url, context); }"
));
`)}`;

/** The URLs `conntrack-fleet ...args` loads, through tsx from src (the same import graph as dist). */
function loadedBy(args: string[]): string[] {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--import', listLoads, 'src/cli/main.ts', ...args], {
    cwd: repoDir,
    encoding: 'utf8',
  });
  const loaded = result.stderr
    .split('\n')
    .filter((line) => line.startsWith('LOADED '))
    .map((line) => line.slice('LOADED '.length));
  assert.ok(
    loaded.some((url) => url.endsWith('/src/cli/main.ts')),
    `the hook saw no module:\n${result.stderr}`,
  );
  assert.equal(result.status, 0, result.stderr); // the command did its work, not just stopped early
  return loaded;
}

const packageOf = (url: string): string | undefined => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
const heavy = ['listr2', 'ssh2', 'zod', 'yaml', 'prom-client', 'cli-truncate'];

describe('CLI start-up loads only what the command needs', () => {
  for (const args of [['--version'], ['--help'], ['help']]) {
    it(`${args.join(' ')}: no command module, none of ${heavy.join(', ')}`, () => {
      const loaded = loadedBy(args);
      const commands = loaded.filter((url) => /\/src\/cli\/(?!main\.ts|command-index\.ts)/.test(url));
      assert.deepEqual(commands, []);
      assert.deepEqual(
        loaded.map(packageOf).filter((name) => name !== undefined && heavy.includes(name)),
        [],
      );
    });
  }

  it('run loads no other command and no listr2 (only a check on a terminal draws with listr2)', () => {
    const loaded = loadedBy(['run', 'playbooks/tune.yaml', '-i', '127.0.0.1,', '--syntax-check']);
    const others = ['check', 'watch', 'advise', 'validate', 'rollback', 'report-merge', 'completion'];
    assert.deepEqual(
      loaded.filter((url) => others.some((name) => url.endsWith(`/src/cli/${name}.ts`))),
      [],
    );
    assert.ok(!loaded.some((url) => packageOf(url) === 'listr2'));
    // the live tree (and cli-truncate) only when a run draws one: report/run-reporter.ts loads it then
    assert.ok(!loaded.some((url) => packageOf(url) === 'cli-truncate' || url.endsWith('/src/report/tree-reporter.ts')));
    assert.ok(
      loaded.some((url) => url.endsWith('/src/cli/run.ts')),
      'run itself is loaded',
    );
  });
  it('check loads no run-only module, no listr2, cli-truncate or prom-client (those are for a tree or --prometheus)', () => {
    const loaded = loadedBy(['check', '-i', '127.0.0.1,', '--list-hosts']);
    assert.ok(
      loaded.some((url) => url.endsWith('/src/cli/check.ts')),
      'check itself is loaded',
    );
    assert.deepEqual(
      loaded.map(packageOf).filter((name) => name === 'listr2' || name === 'cli-truncate' || name === 'prom-client'),
      [],
    );
    const runOnly = ['/src/cli/run.ts', '/src/report/run-reporter.ts', '/src/report/run-report.ts', '/src/changes/'];
    assert.deepEqual(
      loaded.filter((url) => runOnly.some((part) => url.includes(part))),
      [],
    );
  });
});

describe('command index', () => {
  it('the top-level help from the index is the help with every command registered', async () => {
    const fromIndex = (await buildProgram(['node', 'conntrack-fleet', '--help'])).helpInformation();
    const registered = await buildProgram(['node', 'conntrack-fleet', 'completion']);
    assert.deepEqual(
      registered.commands.map((c) => c.name()),
      commandIndex.map((e) => e.name),
    );
    assert.equal(fromIndex, registered.helpInformation());
  });

  const cases: [string[], string | string[]][] = [
    [[], 'index'],
    [['--help'], 'index'],
    [['-h'], 'index'],
    [['help'], 'index'],
    [['--version'], 'none'],
    [['-V'], 'none'],
    [['run', 'p.yaml', '-i', 'x'], ['run']],
    [['runs', '-i', 'x'], ['runs']],
    [['help', 'watch'], ['watch']],
    [['report', 'merge', 'a.json'], ['report']],
    [['completion', 'bash'], 'all'],
    [['chek'], 'all'], // "Did you mean check?" needs every name
    [['help', 'chek'], 'all'],
    [['--bogus'], 'all'],
  ];
  for (const [words, expected] of cases) {
    it(`${JSON.stringify(words)} → ${JSON.stringify(expected)}`, () => {
      const needed = commandsFor(words);
      assert.deepEqual(typeof needed === 'string' ? needed : needed.map((e) => e.name), expected);
    });
  }
});
