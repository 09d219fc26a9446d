import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { acquireHostLock, type LockResult, releaseLock } from '../../src/runner/host-lock.js';
import type { Connection, HeldCommand } from '../../src/transport/connection.js';
import { localTarget } from '../facts/local-connection.js';

/** A connection to this machine whose held commands are real `sh -s` processes; /run is rebased into `runDir`. */
function localHolder(runDir: string): Connection {
  return {
    target: localTarget,
    runScript: () => Promise.reject(new Error('not used')),
    hold: (script) =>
      new Promise<HeldCommand>((resolve, reject) => {
        const child = spawn('sh', ['-s'], { stdio: ['pipe', 'pipe', 'inherit'] });
        const closed = new Promise<void>((done) => child.once('close', () => done()));
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n'))
            resolve({ firstLine: out.slice(0, out.indexOf('\n')), release: () => (child.stdin.end(), closed) });
        });
        void closed.then(() => reject(new Error(`ended before a line: ${out}`)));
        child.stdin.write(`${script.replaceAll('/run/conntrack-fleet', join(runDir, 'conntrack-fleet'))}\n`);
      }),
    close: async () => undefined,
    onLost: () => undefined,
  };
}

test('the host lock: one holder at a time; the other learns who holds it and since when; released on close', async () => {
  const run = mkdtempSync(join(tmpdir(), 'cf-lock-'));
  const connection = localHolder(run);
  const first = await acquireHostLock(connection, 'run-A', new Date('2026-11-26T10:00:00.000Z'));
  assert.equal(first.kind, 'locked');
  const second = await acquireHostLock(connection, 'run-B', new Date('2026-11-26T10:05:00.000Z'));
  assert.deepEqual(second, { kind: 'busy', owner: 'run-A since 2026-11-26T10:00:00.000Z' });
  await releaseLock(first);
  const third: LockResult = await acquireHostLock(connection, 'run-C', new Date());
  assert.equal(third.kind, 'locked');
  await releaseLock(third);
});

test('no usable /run: the run goes on without a lock, and says why', async () => {
  const connection = localHolder(join(mkdtempSync(join(tmpdir(), 'cf-lock-')), 'missing'));
  const lock = await acquireHostLock(connection, 'run-A', new Date());
  assert.equal(lock.kind, 'unsupported');
  // the errno as the shell said it (dash: "Directory nonexistent"), named, with its cause; no `sh: N:`
  const reason = lock.kind === 'unsupported' ? lock.reason : '';
  assert.match(
    reason,
    /^\/run\/conntrack-fleet\.lock: cannot create \/\S+\/conntrack-fleet\.lock: .* — (No such file or directory; )?likely cause: the file or its directory does not exist$/,
  );
  assert.doesNotMatch(reason, /\bsh: \d+:/);
});
