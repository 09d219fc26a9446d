import assert from 'node:assert/strict';
import { test } from 'node:test';
import { becomeCommand, becomePrompt, describeBecomeFailure } from '../../src/transport/become.js';

const shell = `-- sh -c 'echo conntrack-fleet-become-ready >&2; exec sh -s'`;

test('the become command: plain sh -s, sudo -n without a password, sudo -S with the fixed prompt with one', () => {
  const cases: [string, Parameters<typeof becomeCommand>[0], string][] = [
    ['no become', { become: false, becomeUser: 'root', hasPassword: true }, 'sh -s'],
    ['no password known', { become: true, becomeUser: 'root' }, `sudo -n -u root ${shell}`],
    [
      'password known',
      { become: true, becomeUser: 'root', hasPassword: true },
      `sudo -S -p '[conntrack-fleet sudo password]' -u root ${shell}`,
    ],
    [
      'user quoted',
      { become: true, becomeUser: 'a b;x', hasPassword: true },
      `sudo -S -p '[conntrack-fleet sudo password]' -u 'a b;x' ${shell}`,
    ],
  ];
  for (const [label, target, expected] of cases) assert.equal(becomeCommand(target), expected, label);
});

test('the become command never holds the password: only a flag says one will come on stdin', () => {
  const command = becomeCommand({ become: true, becomeUser: 'root', hasPassword: true });
  assert.doesNotMatch(command, /password[^\]]/i);
  assert.ok(command.includes('-S'));
});

test("sudo's own words, prompts removed, with a hint for the messages sudo is known to print", () => {
  const cases: [string, string, string][] = [
    [
      'no password (-n)',
      'sudo: a password is required\n',
      'sudo: a password is required (give the password: -K, CONNTRACK_FLEET_BECOME_PASSWORD or ansible_become_password)',
    ],
    [
      'old sudo without -n tty',
      'sudo: a terminal is required to read the password\n',
      'sudo: a terminal is required to read the password (give the password: -K, CONNTRACK_FLEET_BECOME_PASSWORD or ansible_become_password)',
    ],
    [
      'wrong password',
      `${becomePrompt}Sorry, try again.\n${becomePrompt}\nsudo: 1 incorrect password attempt`,
      'Sorry, try again.; sudo: 1 incorrect password attempt (the become password is wrong)',
    ],
    [
      'not in sudoers (1.9)',
      `${becomePrompt}\ncfnosudo is not in the sudoers file.\n`,
      'cfnosudo is not in the sudoers file. (the remote user has no sudo rights for this)',
    ],
    [
      'not in sudoers (1.8)',
      'ops is not in the sudoers file.  This incident will be reported.\n',
      'ops is not in the sudoers file.  This incident will be reported. (the remote user has no sudo rights for this)',
    ],
    [
      'not allowed as that user',
      "Sorry, user ops is not allowed to execute '/bin/sh' as postgres on web1.\n",
      "Sorry, user ops is not allowed to execute '/bin/sh' as postgres on web1. (the remote user has no sudo rights for this)",
    ],
    [
      'broken sudoers',
      'sudo: no valid sudoers sources found, quitting\nsudo: unable to initialize policy plugin\n',
      'sudo: no valid sudoers sources found, quitting; sudo: unable to initialize policy plugin (sudo on the host is misconfigured)',
    ],
    ['no sudo at all', 'sh: 1: sudo: not found\n', 'sh: 1: sudo: not found (sudo is not installed on the host)'],
    [
      'requiretty',
      'sudo: sorry, you must have a tty to run sudo\n',
      'sudo: sorry, you must have a tty to run sudo (sudoers has requiretty, which a non-interactive run cannot meet: Defaults:USER !requiretty)',
    ],
    ['unknown words kept as they are', 'sudo: something new\n', 'sudo: something new'],
    ['nothing said', '', 'sudo ended without running the command and said nothing'],
    ['control characters escaped', 'sudo: \x1b[31mred\x07\n', 'sudo: \\x1b[31mred\\x07'],
  ];
  for (const [label, stderr, expected] of cases) assert.equal(describeBecomeFailure(stderr), expected, label);
});
