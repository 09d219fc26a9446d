/** exec-census.ts: strace on a host's listener counts what one SSH connection makes that host start. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseStraceSummary, startExecCensus } from './exec-census.js';
import { labSkipReason, startLab, type Lab } from './lab.js';
import { resolveCommand } from './prerequisites.js';
import { runSsh } from './ssh-run.js';

const portBase = 29750;

describe('parseStraceSummary', () => {
  it('counts successful execve calls and fork-like calls, skipping the header and total', () => {
    const summary = [
      '% time     seconds  usecs/call     calls    errors syscall',
      '------ ----------- ----------- --------- --------- ----------------',
      ' 60.00    0.000600          10        60        12 execve',
      ' 30.00    0.000300           5        50           clone',
      ' 10.00    0.000100           5         7           vfork',
      '------ ----------- ----------- --------- --------- ----------------',
      '100.00    0.001000           8       117        12 total',
    ].join('\n');
    assert.deepEqual(parseStraceSummary(summary), { execs: 48, forks: 57 });
  });
});

const skip = labSkipReason() ?? (resolveCommand('strace') ? false : 'strace is not installed (apt-get install strace)');

describe('startExecCensus on a lab host', { skip }, () => {
  let tmp = '';
  let lab: Lab;

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'cf-exec-census-test-'));
    lab = await startLab({ count: 2, dir: path.join(tmp, 'lab'), portBase });
  });

  after(async () => {
    await lab?.down();
    await rm(tmp, { recursive: true, force: true });
  });

  async function count(host: string, command: string): Promise<number> {
    const census = await startExecCensus(lab, 'lab1');
    const result = await runSsh(lab, host, command);
    assert.equal(result.exitCode, 0, result.stderr);
    return (await census.stop()).execs;
  }

  it('sees exactly the processes a session adds, and nothing of another host', async () => {
    const baseline = await count('lab1', 'true');
    assert.ok(baseline >= 2, `a connection execs at least sshd and the shell, got ${baseline}`);
    assert.equal(await count('lab1', 'true; /bin/true; /bin/true'), baseline + 2);
    assert.equal(await count('lab2', 'true; /bin/true'), 0);
  });
});
