/**
 * `check` with bad input: a compiler-style message (`FILE:LINE:COL: … expected …`) on stderr, exit 2, and NO host
 * contacted — every inventory's hosts point at a TCP listener opened here, which must see no connection.
 * Needs no lab (no root): nothing may be contacted anyway.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { useNoContactSetup } from './counting-listener.js';
import { runCli } from './run-cli.js';

const portBase = 24200;

const setup = useNoContactSetup('conntrack-check-input-', portBase);
const host = (name: string, port: number | string): string =>
  `    ${name}:\n      ansible_host: 127.0.0.1\n      ansible_port: ${port}\n      ansible_ssh_private_key_file: ${setup.keyFile}\n`;

interface BadInputCase {
  name: string;
  /** Inventory text for the listener's port; null = no file is written. */
  inventory: ((port: number) => string) | null;
  args?: string[];
  /** Expected stderr, given the inventory path (the whole message, one line). */
  stderr: (file: string) => RegExp;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const cases: BadInputCase[] = [
  {
    name: 'YAML syntax error',
    inventory: (port) =>
      `all:\n  hosts:\n${host('h1', port)}`.replace(`ansible_port: ${port}\n`, `ansible_port: ${port}: x\n`) +
      host('h2', port),
    stderr: (file) => new RegExp(`^${escape(file)}:5:21: invalid YAML: .*; expected well-formed YAML\\n$`),
  },
  {
    name: 'unknown key in a group',
    inventory: (port) => `all:\n  hosts:\n${host('h1', port)}  children:\n    web:\n      host:\n        h2:\n`,
    stderr: (file) =>
      new RegExp(
        `^${escape(file)}:9:7: unknown key "host" in group "web" \\(did you mean "hosts"\\?\\); expected one of: hosts, children, vars\\n$`,
      ),
  },
  {
    name: 'wrong type (ansible_port: abc)',
    inventory: (port) => `all:\n  hosts:\n${host('h1', port)}${host('h2', 'abc')}`,
    stderr: (file) =>
      new RegExp(`^${escape(file)}:9:21: host "h2": ansible_port: got "abc"; expected an integer 1-65535\\n$`),
  },
  {
    // the pattern comes from the command line, so there is no FILE:LINE:COL to point at
    name: 'undefined group in --limit',
    inventory: (port) =>
      `all:\n  children:\n    web:\n      hosts:\n${host('h1', port).replace(/^/gm, '    ').trimEnd()}\n`,
    args: ['--limit', 'web:nosuchgroup'],
    stderr: (file) =>
      new RegExp(
        `^conntrack-fleet: --limit "web:nosuchgroup": no group or host named "nosuchgroup"; expected a group \\(all, ungrouped, web\\), a host of ${escape(file)}, .*\\n$`,
      ),
  },
  {
    // the user reaches ssh like ansible_user does, so -u follows the same rule
    name: 'shell metacharacters in -u',
    inventory: (port) => `all:\n  hosts:\n${host('h1', port)}`,
    args: ['-u', 'root;id'],
    stderr: () => /^conntrack-fleet: -u "root;id" is refused; expected a user name \(letters, digits/,
  },
  {
    name: 'missing inventory file',
    inventory: null,
    stderr: (file) =>
      new RegExp(
        `^${escape(file)}:1:1: inventory not found; expected a readable YAML or INI inventory file, a directory, or a comma list such as web1,web2,\\n$`,
      ),
  },
];

describe('check: bad input is refused before any host is contacted', () => {
  it('control: a valid inventory of the same shape does reach the listener (the detector works)', async () => {
    const file = path.join(setup.tmp, 'valid.yaml');
    await writeFile(file, `all:\n  hosts:\n${host('h1', setup.listener.port)}${host('h2', setup.listener.port)}`);
    const before = setup.listener.connections();
    const result = await runCli(['check', '-i', file, '-o', 'json', '--connect-timeout', '5000']);
    assert.equal(result.exitCode, 1, result.stderr);
    assert.equal(setup.listener.connections() - before, 2);
  });

  for (const c of cases) {
    it(`${c.name}: FILE:LINE:COL-style message on stderr, exit 2, nothing contacted`, async () => {
      const file = path.join(setup.tmp, `${c.name.replace(/\W+/g, '-')}.yaml`);
      if (c.inventory) await writeFile(file, c.inventory(setup.listener.port));
      const before = setup.listener.connections();
      const result = await runCli(['check', '-i', file, '-o', 'json', ...(c.args ?? [])]);
      assert.equal(result.exitCode, 2, `stdout: ${result.stdout}\nstderr: ${result.stderr}`);
      assert.match(result.stderr, c.stderr(file));
      assert.equal(result.stdout, '');
      await sleep(200); // a connection the CLI made just before exiting would still be reported
      assert.equal(setup.listener.connections() - before, 0, 'a host was contacted');
    });
  }
});
