/**
 * kube-proxy is seen by its process name (/proc/PID/comm) through the gather's shared grep, or, when that grep could
 * not read the process files (no grep; an argument list too long for execve, exit 126), by the shell's own loop;
 * the other facts of the shared grep survive the second case. Real processes, the real script, under dash, bash and
 * busybox.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildGatherScript } from '../../../src/facts/gather-script.js';
import { parseGatherOutput } from '../../../src/facts/gather-output.js';
import { newRecordToken } from '../../../src/remote/records.js';
import { hasCommand, runScriptLocally } from '../local-shell.js';

const realGrep = spawnSync('sh', ['-c', 'command -v grep'], { encoding: 'utf8' }).stdout.trim();
const sleepBinary = spawnSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).stdout.trim();

/** `grep` stand-ins put first on PATH: how the shared grep can fail to read the process files. */
const greps: Array<[string, string | null]> = [
  ['the shared grep', null],
  // what a shell says when execve fails with E2BIG; the grep without the /proc/PID/comm files runs
  [
    'an argument list too long for the shared grep',
    `#!/bin/sh\nfor a; do case $a in /proc/*/comm) exit 126 ;; esac; done\nexec ${realGrep} "$@"\n`,
  ],
  ['no grep', '#!/bin/sh\nexit 127\n'],
];
const shells = [['dash'], ['bash'], ['busybox', 'sh']].filter(([name]) => hasCommand(name ?? ''));

let dir = '';
const running: ChildProcess[] = [];

/** A process whose name (comm) is `name`: a copy of sleep under that name. */
function startNamed(name: string): void {
  const binary = join(dir, name);
  copyFileSync(sleepBinary, binary);
  running.push(spawn(binary, ['300'], { stdio: 'ignore' }));
}

async function gather(shell: string[], grep: string | null) {
  const bin = join(dir, `bin-${greps.findIndex(([, text]) => text === grep)}`);
  if (grep !== null) {
    spawnSync('mkdir', ['-p', bin]);
    writeFileSync(join(bin, 'grep'), grep, { mode: 0o755 });
  }
  const request = { files: [], rules: false };
  const token = newRecordToken();
  const path = grep === null ? process.env['PATH'] : `${bin}:${process.env['PATH']}`;
  const result = await runScriptLocally(buildGatherScript(request, token), ['env', `PATH=${path}`, ...shell, '-s']);
  assert.equal(result.exitCode, 0, result.stderr);
  return parseGatherOutput(result.stdout, request, token);
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cf-kube-'));
  // only the whole name counts: comm is at most 15 bytes, `kube-proxy` is 10
  startNamed('kube-proxyd');
});

after(() => {
  for (const child of running) child.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('kube-proxy fact', () => {
  for (const shell of shells)
    for (const [how, grep] of greps)
      it(`no kube-proxy (a kube-proxyd runs), ${how}, ${shell.join(' ')}`, async () => {
        assert.equal((await gather(shell, grep)).kubeProxy, false);
      });

  it('starts a kube-proxy', () => startNamed('kube-proxy'));

  for (const shell of shells)
    for (const [how, grep] of greps)
      it(`kube-proxy runs, ${how}, ${shell.join(' ')}`, async () => {
        const facts = await gather(shell, grep);
        assert.equal(facts.kubeProxy, true);
        // the retry without the process files still reads every other file of the shared grep
        if (!how.startsWith('an argument list')) return;
        assert.deepEqual(facts.knobs, (await gather(shell, null)).knobs);
        if (existsSync('/proc/sys/net/netfilter/nf_conntrack_max')) assert.notEqual(facts.max, null);
      });
});
