/** README: "Every command has --help with an example" — each command of the index, and `report merge`, through the real CLI. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandIndex } from '../../src/cli/command-index.js';
import { runCli } from '../integration/run-cli.js';

const commands = [...commandIndex.map((entry) => [entry.name]), ['report', 'merge']];

describe('--help of every command', () => {
  for (const words of commands) {
    it(`${words.join(' ')} --help shows an example of the command`, async () => {
      const result = await runCli([...words, '--help']);
      assert.equal(result.exitCode, 0, result.stderr);
      const example = /^Examples?:\n {2}(.+)$/m.exec(result.stdout);
      assert.ok(example, `no Example: section in\n${result.stdout}`);
      assert.match(example[1] ?? '', new RegExp(`conntrack-fleet ${words.join(' ')}\\b`));
    });
  }
});
