/**
 * Usage mistakes through the real CLI: "did you mean" for a misspelt command or option (commander's suggestions,
 * inherited by every subcommand; `help NAME` too), named before a missing required option, exit 2, nothing run; --quiet offered where there is per-host output, and refused
 * beside -v.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../integration/run-cli.js';

const typos: Array<[args: string[], suggestion: RegExp]> = [
  [['chek'], /unknown command 'chek'\n\(Did you mean check\?\)/],
  [['rollbak', '--last'], /unknown command 'rollbak'\n\(Did you mean rollback\?\)/],
  [['check', '-i', 'h1,', '--limt', 'x'], /unknown option '--limt'\n\(Did you mean --limit\?\)/],
  [['run', 'playbooks/tune.yaml', '-i', 'h1,', '--chek'], /unknown option '--chek'\n\(Did you mean --check\?\)/],
  [['watch', '-i', 'h1,', '--intreval', '2s'], /unknown option '--intreval'\n\(Did you mean --interval\?\)/],
  [['advise', '-i', 'h1,', '--quite'], /unknown option '--quite'\n\(Did you mean --quiet\?\)/],
];

describe('usage mistakes: a suggestion, exit 2', { concurrency: 2 }, () => {
  for (const [args, suggestion] of typos) {
    it(args.join(' '), async () => {
      const result = await runCli(args, { timeoutMs: 120_000 });
      assert.equal(result.exitCode, 2, result.stderr);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, suggestion);
    });
  }
});

describe('the typo is the first thing said, before a missing -i', { concurrency: 2 }, () => {
  const cases: Array<[args: string[], firstLines: string]> = [
    [['help', 'chek'], "error: unknown command 'chek'\n(Did you mean check?)\n"],
    [['check', '--limt', 'web'], "error: unknown option '--limt'\n(Did you mean --limit?)\n"],
    [['run', '--chek', 'playbooks/tune.yaml'], "error: unknown option '--chek'\n(Did you mean --check?)\n"],
    // with no typo the missing -i is still named
    [['check', '--limit', 'web'], "error: required option '-i, --inventory <source>' not specified\n"],
  ];
  for (const [args, firstLines] of cases) {
    it(args.join(' '), async () => {
      const result = await runCli(args, { timeoutMs: 120_000 });
      assert.equal(result.exitCode, 2, result.stderr);
      assert.equal(result.stdout, '');
      assert.ok(result.stderr.startsWith(firstLines), result.stderr);
    });
  }
});

describe('--quiet', { concurrency: 2 }, () => {
  for (const command of ['run', 'rollback', 'check', 'watch', 'advise']) {
    it(`${command} --help documents -q, --quiet`, async () => {
      const result = await runCli([command, '--help'], { timeoutMs: 120_000 });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.match(result.stdout, /-q, --quiet\s+print only the summary line and the hosts\s+with\s+a\s+problem/);
    });
  }

  it('run -q -v is refused (exit 2) before any host', async () => {
    const result = await runCli(['run', 'playbooks/tune.yaml', '-i', 'h1,', '-q', '-v'], { timeoutMs: 120_000 });
    assert.equal(result.exitCode, 2, result.stderr);
    assert.match(result.stderr, /give -v or --quiet, not both/);
  });

  it('watch and advise take --list-hosts (addReadOptions): the hosts, no connection, exit 0', async () => {
    for (const command of ['watch', 'advise', 'check']) {
      const result = await runCli([command, '-i', 'h1,h2', '--list-hosts'], { timeoutMs: 120_000 });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(result.stdout, '\n  hosts (2):\n    h1\n    h2\n', command);
    }
  });
});
