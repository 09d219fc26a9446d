/** Pure: the typo is named before anything commander would otherwise report first (main.ts, command-index.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command, CommanderError } from 'commander';
import { helpForUnknownCommand } from '../../src/cli/command-index.js';

Reflect.set(globalThis, Symbol.for('conntrack-fleet.embedded'), true);
const { checkRequiredOptionsAfterTypos } = await import('../../src/cli/main.js');

describe('helpForUnknownCommand: `help NAME` of no command is that unknown command', () => {
  const cases: Array<[string[], string[]]> = [
    [['help', 'chek'], ['chek']],
    [
      ['help', 'chek', 'extra'],
      ['chek', 'extra'],
    ],
    [
      ['help', 'check'],
      ['help', 'check'],
    ],
    [
      ['help', 'report'],
      ['help', 'report'],
    ],
    [['help'], ['help']],
    [
      ['help', '--all'],
      ['help', '--all'],
    ],
    [
      ['check', 'help'],
      ['check', 'help'],
    ],
  ];
  for (const [words, expected] of cases)
    it(`${words.join(' ')} → ${expected.join(' ')}`, () => {
      assert.deepEqual(helpForUnknownCommand(['node', 'main', ...words]), ['node', 'main', ...expected]);
    });
});

describe('checkRequiredOptionsAfterTypos: a misspelt option is reported before a missing required one', () => {
  /** A program like ours: `check` with a required -i and a --limit; the CommanderError code a command line gives. */
  function codeOf(words: string[]): string {
    const errors: string[] = [];
    const program = new Command('p').exitOverride().configureOutput({ writeErr: (text) => errors.push(text) });
    program
      .command('check')
      .requiredOption('-i, --inventory <source>', 'inventory')
      .option('-l, --limit <pattern>', 'limit')
      .action(() => undefined);
    program.commands.forEach((command) => command.exitOverride().configureOutput({ writeErr: () => undefined }));
    checkRequiredOptionsAfterTypos(program);
    try {
      program.parse(words, { from: 'user' });
      return 'ran';
    } catch (error) {
      assert.ok(error instanceof CommanderError, String(error));
      return error.code;
    }
  }
  const cases: Array<[string[], string]> = [
    [['check', '--limt', 'web'], 'commander.unknownOption'],
    [['check', '--limt', 'web', '-i', 'x.yaml'], 'commander.unknownOption'],
    [['check', '--limit', 'web'], 'commander.missingMandatoryOptionValue'],
    [['check'], 'commander.missingMandatoryOptionValue'],
    [['check', '-i', 'x.yaml'], 'ran'],
  ];
  for (const [words, expected] of cases)
    it(`${words.join(' ')} → ${expected}`, () => assert.equal(codeOf(words), expected));
});
