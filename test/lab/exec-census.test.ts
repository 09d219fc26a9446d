/** exec-census.ts: strace on a host's listener counts what one SSH connection makes that host start. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseStraceTrace, startExecCensus } from './exec-census.js';
import { labSkipReason, startLab, type Lab } from './lab.js';
import { resolveCommand } from './prerequisites.js';
import { runSsh } from './ssh-run.js';

const portBase = 29750;

describe('parseStraceTrace', () => {
  it('counts successful execve calls by program and fork-like calls; failed calls and strace notes do not count', () => {
    const trace = [
      '100 clone(child_stack=NULL, flags=CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 101',
      '101 execve("/usr/sbin/sshd", ["sshd", "-i"], 0x7ffd /* 3 vars */) = 0',
      '102 execve("/usr/local/bin/grep", ["grep"], 0x55 /* 9 vars */) = -1 ENOENT (No such file or directory)',
      '102 execve("/usr/bin/grep", ["grep", "-c", "x"], 0x55 /* 9 vars */) = 0',
      '103 execve("/usr/bin/grep", ["grep"], 0x55 /* 9 vars */) = 0',
      '101 vfork( <unfinished ...>',
      '104 +++ exited with 0 +++',
      '101 <... vfork resumed>)                = 104',
      '101 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=104} ---',
      '101 fork()                              = -1 EAGAIN (Resource temporarily unavailable)',
    ].join('\n');
    const count = parseStraceTrace(trace);
    assert.deepEqual({ execs: count.execs, forks: count.forks }, { execs: 3, forks: 2 });
    assert.deepEqual(
      [...count.programs],
      [
        ['sshd', 1],
        ['grep', 2],
      ],
    );
  });

  it('takes the file name from the unfinished half of an interrupted execve and the result from its resumed half', () => {
    const trace = [
      '201 execve("/usr/bin/awk", ["awk", "{print}"], 0x55 /* 9 vars */ <unfinished ...>',
      '200 clone3({flags=CLONE_VM, exit_signal=0}, 88) = 202',
      '201 <... execve resumed>)               = 0',
      '203 execve("/bin/nft", ["nft", "list"], 0x55 /* 9 vars */ <unfinished ...>',
      '203 <... execve resumed>)               = -1 ENOENT (No such file or directory)',
    ].join('\n');
    const count = parseStraceTrace(trace);
    assert.deepEqual({ execs: count.execs, forks: count.forks }, { execs: 1, forks: 1 });
    assert.deepEqual([...count.programs], [['awk', 1]]);
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

  it('names the programs a session runs', async () => {
    const census = await startExecCensus(lab, 'lab1');
    const result = await runSsh(lab, 'lab1', '/bin/true; /bin/true');
    assert.equal(result.exitCode, 0, result.stderr);
    const { programs } = await census.stop();
    assert.equal(programs.get('true'), 2);
  });
});
