/**
 * The lab's hidden host (test/lab/inner-listener.ts): reachable with the real `ssh -J` through its jump host, not
 * from this machine; its listener is gone after down(). Here rather than in test/lab so it runs serially: labs
 * started concurrently reuse freed namespace ids, which other lab tests' leftover checks would misread.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startInnerListener } from '../lab/inner-listener.js';
import { hostPathsFor, labPathsFor } from '../lab/layout.js';
import { labSkipReason, startLab, type Lab } from '../lab/lab.js';
import { readFileSync } from 'node:fs';
import { createPortAllocator } from '../lab/ports.js';

const portBase = 27100;

function run(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Running, not a zombie waiting for Node to reap it. */
function isAlive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('lab: a host reachable only through a jump host', { skip: labSkipReason() ?? false }, () => {
  let tmp = '';
  let lab: Lab;

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'conntrack-inner-test-'));
    lab = await startLab({ count: 2, dir: path.join(tmp, 'lab'), portBase });
  });

  after(async () => {
    await lab?.down();
    await rm(tmp, { recursive: true, force: true });
  });

  it('the real ssh -J reaches lab2 through lab1; this machine cannot reach that port; down() leaves nothing', async () => {
    const [jump] = lab.hosts;
    assert.ok(jump);
    // free on this machine now, so a refused direct connect proves the listener is not here
    const port = await createPortAllocator(portBase + 50).next();
    const listener = await startInnerListener(lab, { via: 'lab1', target: 'lab2', port });
    assert.equal(await connectionRefused(port), true, `127.0.0.1:${port} answered on this machine`);

    const lab2Key = (await readFile(hostPathsFor(labPathsFor(lab.dir), 'lab2').hostPublicKeyFile, 'utf8'))
      .trim()
      .split(/\s+/)
      .slice(0, 2)
      .join(' ');
    const knownHosts = path.join(tmp, 'known_hosts');
    await writeFile(knownHosts, `${await readFile(lab.knownHostsFile, 'utf8')}[127.0.0.1]:${port} ${lab2Key}\n`);
    const config = path.join(tmp, 'ssh_config');
    const common = [
      '  HostName 127.0.0.1',
      '  User root',
      `  IdentityFile ${lab.privateKeyFile}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${knownHosts}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
    ];
    await writeFile(
      config,
      [
        'Host jump',
        `  Port ${jump.port}`,
        ...common,
        'Host hidden',
        `  Port ${port}`,
        '  ProxyJump jump',
        ...common,
        '',
      ].join('\n'),
    );

    const result = await run('ssh', ['-F', config, 'hidden', 'cat /proc/sys/kernel/hostname']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'lab2');

    await lab.down();
    assert.equal(isAlive(listener.pid), false, 'down() stopped the inner listener');
  });
});
