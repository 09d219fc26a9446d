import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shellCommand } from '../../src/transport/exec-channel.js';

test('the remote command is sh -s, through sudo -n -u USER (quoted) when become is set', () => {
  const cases: [boolean, string, string][] = [
    [false, 'root', 'sh -s'],
    [true, 'root', 'sudo -n -u root sh -s'],
    [true, 'postgres', 'sudo -n -u postgres sh -s'],
    [true, "o'brien; rm -rf /", "sudo -n -u 'o'\\''brien; rm -rf /' sh -s"],
  ];
  for (const [become, becomeUser, expected] of cases) assert.equal(shellCommand({ become, becomeUser }), expected);
});
