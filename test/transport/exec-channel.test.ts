import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shellCommand } from '../../src/transport/exec-channel.js';

test('the remote command is sh -s, through sudo -n -u USER (quoted) and the ready marker when become is set', () => {
  const shell = `-- sh -c 'echo conntrack-fleet-become-ready >&2; exec sh -s'`;
  const cases: [boolean, string, string][] = [
    [false, 'root', 'sh -s'],
    [true, 'root', `sudo -n -u root ${shell}`],
    [true, 'postgres', `sudo -n -u postgres ${shell}`],
    [true, "o'brien; rm -rf /", `sudo -n -u 'o'\\''brien; rm -rf /' ${shell}`],
  ];
  for (const [become, becomeUser, expected] of cases) assert.equal(shellCommand({ become, becomeUser }), expected);
});
