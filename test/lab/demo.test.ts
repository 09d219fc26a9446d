/**
 * `npm run demo` end to end (test/lab/demo.ts, the real script in a child process, the built CLI): the story's
 * commands in order with their exit codes, exit 0, and nothing of its lab left behind — also when interrupted.
 * The lab is recorded while it is up (polling its state file) so leftovers are found WITHOUT taking it down here.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { labSkipReason, openLab } from './lab.js';
import { findLeftovers, recordLabIdentity, type LabIdentity } from './leftovers.js';

const repoDir = fileURLToPath(new URL('../..', import.meta.url));
const demoFile = fileURLToPath(new URL('./demo.ts', import.meta.url));
const skipReason = labSkipReason();

interface DemoRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  identity: LabIdentity | null;
}

/** Runs the demo with its own lab dir; calls `onOutput` with all stdout so far (to interrupt at a chosen point). */
function runDemo(
  portBase: number,
  onOutput: (stdout: string, child: ChildProcess) => void = () => undefined,
): Promise<DemoRun> {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'ctf-demo-test-'));
  const labDir = path.join(parent, 'lab');
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', demoFile, '--lab-dir', labDir, '--port-base', String(portBase)],
      {
        cwd: repoDir,
        env: { ...process.env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    let identity: LabIdentity | null = null;
    let done = false;
    void (async () => {
      // the inventory is written last, once every host runs: record the lab then
      while (!done && !identity) {
        const inventory = path.join(labDir, 'inventory.yaml');
        if (existsSync(inventory)) identity = recordLabIdentity(openLab(labDir));
        else await sleep(100);
      }
    })().catch(reject);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onOutput(stdout, child);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      done = true;
      clearTimeout(timer);
      rmSync(parent, { recursive: true, force: true });
      resolve({ exitCode, stdout, stderr, identity });
    });
  });
}

describe(
  'npm run demo: symptom, fix, proof, undo on lab hosts, nothing left behind',
  { skip: skipReason ?? false, timeout: 300_000 },
  () => {
    it('runs check (exit 1), run (0), check (0), rollback --last (0) in that order; exit 0; no leftovers', async () => {
      const run = await runDemo(28900);
      const transcript = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
      assert.equal(run.exitCode, 0, transcript);
      const commands = [...run.stdout.matchAll(/^ {4}\$ node dist\/cli\/main\.js (\w+).*$/gm)].map((m) => m[1]);
      assert.deepEqual(commands, ['check', 'run', 'check', 'rollback'], transcript);
      const exits = [...run.stdout.matchAll(/^ {4}\(exit (\d+)/gm)].map((m) => Number(m[1]));
      assert.deepEqual(exits, [1, 0, 0, 0], transcript);
      assert.match(
        run.stdout,
        /^lab1! .*\n {6}problem: usage 95\.0% ≥ 90%.*\n {6}problem: 1500 drops/m,
        'the first check flags lab1',
      );
      assert.match(
        run.stdout,
        /^lab1 +\S+ +module +count 62260\/262144 \(23\.8%\)/m,
        'the second check shows the raised max',
      );
      assert.match(run.stdout, /^4 hosts: 4 rolled-back \(exit 0\)$/m);
      assert.ok(run.identity, 'the lab was seen running');
      assert.deepEqual(findLeftovers(run.identity), []);
    });

    it('Ctrl-C during the run: the run rolls back, the lab goes down, exit 130, no leftovers', async () => {
      let sent = false;
      const run = await runDemo(29000, (stdout, child) => {
        // interrupt while the canary gate soaks: lab1 is changed, the rest is not started
        if (!sent && /gate after batch 1\/3: soaking/.test(stdout)) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      const transcript = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
      assert.ok(sent, transcript);
      assert.equal(run.exitCode, 130, transcript);
      assert.match(run.stdout, /==> Cleanup: taking the lab down/);
      assert.doesNotMatch(
        run.stdout,
        /\$ node dist\/cli\/main\.js check -i .*\n[\s\S]*\$ node dist\/cli\/main\.js check/,
        'no second check',
      );
      assert.ok(run.identity, 'the lab was seen running');
      assert.deepEqual(findLeftovers(run.identity), []);
    });
  },
);
