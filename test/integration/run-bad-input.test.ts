/**
 * `run` with a bad playbook: FILE:LINE:COL on stderr, exit 2, and no host contacted. The inventory's only host is a
 * TCP listener of this test that counts connections, so "not contacted" is observed, not assumed; no lab is needed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { resolveCommand } from '../lab/prerequisites.js';
import { runCli } from './run-cli.js';
import { fixture } from './run-lab.js';

const portBase = 25600;

interface BadCase {
  file: string;
  line: number;
  col: number;
  message: RegExp;
}

// Positions are 1-based and point at the offending key (unknown names) or value (bad values).
const badCases: BadCase[] = [
  {
    file: 'bad/unknown-step.yaml',
    line: 4,
    col: 5,
    message: /unknown step "raise_maximum" \(did you mean "raise_max"\?\); expected one of: .*raise_max/,
  },
  {
    file: 'bad/unknown-option.yaml',
    line: 5,
    col: 7,
    message: /unknown option "per_cpus" \(did you mean "per_cpu"\?\); expected one of: .*per_cpu/,
  },
  { file: 'bad/wrong-type.yaml', line: 5, col: 20, message: /allow_lower: got "yes"; expected true or false/ },
  { file: 'bad/max-zero.yaml', line: 4, col: 14, message: /raise_max\.value: got 0; expected an integer 1-/ },
  { file: 'bad/max-negative.yaml', line: 3, col: 24, message: /raise_max\.value: got -262144; expected an integer 1-/ },
  { file: 'bad/hashsize-div-zero.yaml', line: 6, col: 14, message: /set_hashsize\.value: got "max\/0"; expected/ },
  {
    file: 'bad/timeout-zero.yaml',
    line: 5,
    col: 30,
    message: /tcp_timeout_time_wait: got 0; expected an integer number of seconds 1-/,
  },
];

/** A stand-in "host": accepts TCP and counts; a tool that got as far as connecting would show up here. */
async function listenCounting(port: number): Promise<{ server: net.Server; connections: () => number }> {
  let count = 0;
  const server = net.createServer((socket) => {
    count += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1' }, resolve);
  });
  return { server, connections: () => count };
}

function renderInventory(port: number, keyFile: string, knownHostsFile: string): string {
  return [
    'all:',
    '  hosts:',
    '    web1:',
    '      ansible_host: 127.0.0.1',
    `      ansible_port: ${port}`,
    '      ansible_user: root',
    `      ansible_ssh_private_key_file: ${keyFile}`,
    `      ansible_ssh_common_args: -o UserKnownHostsFile=${knownHostsFile}`,
    '',
  ].join('\n');
}

const skip = resolveCommand('ssh-keygen') ? false : 'ssh-keygen (openssh-client) is missing';

describe('run: a bad playbook is bad input (exit 2) found before any host is contacted', { skip }, () => {
  let tmp = '';
  let inventoryFile = '';
  let listener: Awaited<ReturnType<typeof listenCounting>>;

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'conntrack-run-bad-input-'));
    listener = await listenCounting(portBase);
    inventoryFile = path.join(tmp, 'inventory.yaml');
    const keyFile = path.join(tmp, 'id_ed25519');
    // a key to offer, so `check` really gets as far as the TCP connect
    await promisify(execFile)('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
    await writeFile(inventoryFile, renderInventory(portBase, keyFile, path.join(tmp, 'known_hosts')));
  });

  after(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
    listener?.server.close();
  });

  it('the counting host is reachable (so a contact would be seen)', async () => {
    const before = listener.connections();
    const result = await runCli(['check', '-i', inventoryFile, '--connect-timeout', '2000']);
    assert.equal(result.exitCode, 1, result.stdout + result.stderr);
    assert.ok(listener.connections() > before, 'check should have connected to the listener');
  });

  for (const bad of badCases) {
    it(`${bad.file} → ${bad.line}:${bad.col}, exit 2`, async () => {
      const file = fixture(bad.file);
      const before = listener.connections();
      const reportFile = path.join(tmp, 'report.json');
      const result = await runCli(['run', file, '-i', inventoryFile, '--report', reportFile]);
      assert.equal(result.exitCode, 2, `exit code; stderr: ${result.stderr}`);
      const firstLine = result.stderr.split('\n')[0] ?? '';
      assert.ok(
        firstLine.startsWith(`${file}:${bad.line}:${bad.col}: `),
        `expected ${file}:${bad.line}:${bad.col}: …, got: ${firstLine}`,
      );
      assert.match(firstLine, bad.message);
      assert.equal(result.stdout, '', 'nothing on stdout: no run started');
      assert.equal(listener.connections(), before, 'no host may be contacted');
      assert.equal(existsSync(reportFile), false, 'no run, so no run report');
    });
  }
});
