/**
 * An unclosed quote or flow collection in an inventory or a playbook, through the real CLI: the message points at
 * the opening character (FILE:LINE:COL), exit 2, and no host is contacted — every host points at a TCP listener
 * opened here, which must see no connection (the pattern of test/integration/check-bad-input.test.ts).
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { useNoContactSetup } from '../integration/counting-listener.js';
import { runCli } from '../integration/run-cli.js';

const portBase = 29860;

interface UnclosedCase {
  name: string;
  /** Which file the broken text is: the inventory (`check -i`) or the playbook (`run PLAYBOOK -i`). */
  file: 'inventory' | 'playbook';
  /** The broken text, given the host lines that point at the listener. */
  text: (hostLines: string) => string;
  where: string;
  message: RegExp;
}

const cases: UnclosedCase[] = [
  {
    name: 'inventory: ansible_host: "10.0.0.1 (no closing quote)',
    file: 'inventory',
    text: (hostLines) => `all:\n  hosts:\n    web1:\n      ansible_host: "10.0.0.1\n${hostLines}`,
    where: '4:21',
    message: /invalid YAML: Missing closing "quote; expected well-formed YAML/,
  },
  {
    name: "inventory: ansible_user: 'ops (no closing quote)",
    file: 'inventory',
    text: (hostLines) => `all:\n  vars:\n    ansible_user: 'ops\n  hosts:\n${hostLines}`,
    where: '3:19',
    message: /invalid YAML: Missing closing 'quote; expected well-formed YAML/,
  },
  {
    name: 'inventory: a flow list left open',
    file: 'inventory',
    text: (hostLines) => `all:\n  vars:\n    ntp_servers: [a, b\n  hosts:\n${hostLines}`,
    where: '3:18',
    message: /invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a \]/,
  },
  {
    name: 'playbook: a step name with no closing quote',
    file: 'playbook',
    text: () => 'hosts: all\nsteps:\n  - name: "raise\n    raise_max: {value: 262144}\n',
    where: '3:11',
    message: /invalid YAML: Missing closing "quote; expected well-formed YAML/,
  },
  {
    name: 'playbook: a flow map left open',
    file: 'playbook',
    text: () => 'hosts: all\nsteps:\n  - raise_max: {value: 262144\n  - persist: {}\n',
    where: '3:16',
    message: /invalid YAML: Flow map in block collection must be sufficiently indented and end with a \}/,
  },
];

describe('an unclosed quote or [ { is reported where it was opened, exit 2, no host contacted', () => {
  const setup = useNoContactSetup('ctf-unclosed-', portBase);
  const hostLines = (name: string) =>
    `    ${name}:\n      ansible_host: 127.0.0.1\n      ansible_port: ${setup.listener.port}\n      ansible_ssh_private_key_file: ${setup.keyFile}\n`;

  for (const c of cases) {
    it(`${c.name} → ${c.where}`, async () => {
      const inventory = path.join(setup.tmp, `${c.name.replace(/\W+/g, '-')}.inventory.yaml`);
      const playbook = path.join(setup.tmp, `${c.name.replace(/\W+/g, '-')}.playbook.yaml`);
      const valid = {
        inventory: `all:\n  hosts:\n${hostLines('h1')}`,
        playbook: 'hosts: all\nsteps:\n  - persist: {}\n',
      };
      await writeFile(inventory, c.file === 'inventory' ? c.text(hostLines('h2')) : valid.inventory);
      await writeFile(playbook, c.file === 'playbook' ? c.text('') : valid.playbook);
      const bad = c.file === 'inventory' ? inventory : playbook;
      const args =
        c.file === 'inventory' ? ['check', '-i', inventory, '-o', 'json'] : ['run', playbook, '-i', inventory];
      const before = setup.listener.connections();
      const result = await runCli(args);
      assert.equal(result.exitCode, 2, `stdout: ${result.stdout}\nstderr: ${result.stderr}`);
      assert.ok(result.stderr.startsWith(`${bad}:${c.where}: `), result.stderr);
      assert.match(result.stderr, c.message);
      await sleep(200); // a connection the CLI made just before exiting would still be reported
      assert.equal(setup.listener.connections() - before, 0, 'a host was contacted');
    });
  }
});
