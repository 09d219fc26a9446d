/** Runs generated scripts with the local shells against files in a temp dir. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isApplyComplete, parseApplyOutput } from '../../src/changes/apply-output.js';
import { buildApplyScript, type ApplyScriptOptions } from '../../src/changes/apply-script.js';
import { invertChanges } from '../../src/changes/invert.js';
import { makeKnobChange } from '../../src/changes/knob-change.js';
import type { Change } from '../../src/changes/change.js';
import { textFile } from '../fixtures/steps/facts.js';
import { newRecordToken } from '../../src/remote/records.js';

const token = newRecordToken();

const isRoot = process.getuid?.() === 0;
const shells = [
  { name: 'dash', argv: ['dash', '-s'], busybox: false },
  { name: 'bash --posix', argv: ['bash', '--posix', '-s'], busybox: false },
  { name: 'busybox ash', argv: ['busybox', 'ash', '-s'], busybox: true },
].map((shell) => ({
  ...shell,
  missing: spawnSync(shell.argv[0]!, [...shell.argv.slice(1, -1), '-c', 'true']).status !== 0,
}));
/** What the script runs besides shell builtins; on a busybox host these are applets too. */
const busyboxApplets = [
  'awk',
  'base64',
  'cat',
  'chmod',
  'chown',
  'dirname',
  'mv',
  'rm',
  'sha256sum',
  'stat',
  'sync',
  'tee',
  'tr',
];

let dir = '';
let fakeBin = '';
let busyboxBin = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'ctf-apply-'));
  fakeBin = join(dir, 'bin');
  busyboxBin = join(dir, 'busybox-bin');
  writeFakeModuleTools(fakeBin, join(dir, 'modules'));
  mkdirSync(busyboxBin);
  for (const applet of busyboxApplets) symlinkSync('/usr/bin/busybox', join(busyboxBin, applet));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** lsmod / rmmod / modprobe stand-ins over a state file, like the lab's lsmod. */
function writeFakeModuleTools(bin: string, state: string): void {
  mkdirSync(bin, { recursive: true });
  const tools: Record<string, string> = {
    lsmod: `echo 'Module                  Size  Used by'; while read -r m; do echo "$m 16384 0"; done < ${state}`,
    rmmod: `grep -qx "$1" ${state} || { echo "rmmod: ERROR: Module $1 is not currently loaded" >&2; exit 1; }
[ "$1" = busy ] && { echo "rmmod: ERROR: Module busy is in use by: holder" >&2; exit 1; }
grep -vx "$1" ${state} > ${state}.new; mv ${state}.new ${state}`,
    modprobe: `grep -qx "$1" ${state} || echo "$1" >> ${state}`,
  };
  for (const [name, body] of Object.entries(tools))
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
}

function run(argv: string[], changes: Change[], options?: Omit<ApplyScriptOptions, 'token'>) {
  const applets = argv[0] === 'busybox' ? `${busyboxBin}:` : '';
  const result = spawnSync(argv[0]!, argv.slice(1), {
    input: buildApplyScript(changes, { token, ...options }),
    encoding: 'utf8',
    env: { ...process.env, PATH: `${fakeBin}:${applets}${process.env.PATH}` },
  });
  return { ...result, outcomes: parseApplyOutput(result.stdout, changes, token) };
}

function leftovers(path: string): string[] {
  return readdirSync(path).filter((name) => name.startsWith('.conntrack-fleet.'));
}

for (const shell of shells) {
  describe(`apply script under ${shell.name}`, () => {
    const skip = shell.missing ? `${shell.argv[0]} is not installed` : false;

    it('writes knobs (values quoted), reads mirrors back, and verifies', { skip }, () => {
      const knob = join(dir, `${shell.name}-knob`);
      const mirror = join(dir, `${shell.name}-mirror`);
      writeFileSync(knob, '5\n');
      writeFileSync(mirror, '1024\n');
      const odd = `it's $(touch ${dir}/pwned) "x"`;
      const changes: Change[] = [
        makeKnobChange({
          key: 'k',
          path: knob,
          before: '5',
          after: '1000',
          accept: ['1024'],
          mirrors: [{ key: 'nf_conntrack_buckets', path: mirror }],
        }),
        makeKnobChange({ key: 'odd', path: knob, before: '1000', after: odd }),
      ];
      const { status, outcomes, stdout } = run(shell.argv, changes);
      assert.equal(status, 0, stdout);
      assert.equal(readFileSync(knob, 'utf8'), `${odd}\n`);
      assert.equal(existsSync(join(dir, 'pwned')), false);
      assert.deepEqual(outcomes[0]?.readBack, {
        kind: 'knob',
        knob: { key: 'k', path: knob, value: '1000' },
        mirrors: [{ key: 'nf_conntrack_buckets', path: mirror, value: '1024' }],
      });
      assert.equal(outcomes[0]?.matches, true, 'the mirror shows the rounded value');
      assert.equal(outcomes[1]?.matches, true);
      assert.ok(isApplyComplete(stdout, token));
    });

    it(
      'replaces a file atomically keeping mode and owner, leaves no temp file, and undoes exactly',
      { skip: skip || (!isRoot && 'chown needs root') },
      () => {
        const sub = mkdtempSync(join(dir, 'files-'));
        const target = join(sub, 'sysctl.conf');
        writeFileSync(target, 'old = 1');
        chmodSync(target, 0o640);
        chownSync(target, 1, 4);
        const beforeState = textFile('old = 1', 0o640, 1, 4);
        const created = join(sub, 'new.conf');
        const changes: Change[] = [
          { kind: 'file', path: target, before: beforeState, after: textFile('old = 1\nnew = 2\n', 0o640, 1, 4) },
          { kind: 'file', path: created, before: null, after: textFile('nf_conntrack\n') },
        ];
        const applied = run(shell.argv, changes);
        assert.equal(applied.status, 0, applied.stdout + applied.stderr);
        assert.deepEqual(
          applied.outcomes.map((o) => o.matches),
          [true, true],
          JSON.stringify(applied.outcomes),
        );
        const stat = statSync(target);
        assert.deepEqual([stat.mode & 0o7777, stat.uid, stat.gid], [0o640, 1, 4]);
        assert.equal(statSync(created).mode & 0o7777, 0o644);
        assert.deepEqual(leftovers(sub), []);

        const undo = run(shell.argv, invertChanges(changes));
        assert.deepEqual(
          undo.outcomes.map((o) => o.matches),
          [true, true],
          JSON.stringify(undo.outcomes),
        );
        assert.equal(readFileSync(target, 'latin1'), 'old = 1');
        assert.equal(existsSync(created), false);
        assert.deepEqual(leftovers(sub), []);
      },
    );

    it(
      'bytes no shell word can carry go through base64, an executable mode through chmod; the owner is kept',
      { skip },
      () => {
        const sub = mkdtempSync(join(dir, 'binary-'));
        const target = join(sub, 'blob.conf');
        const bytes = Buffer.from([0x00, 0xff, 0x41, 0x0a, 0xc3]);
        const uid = process.getuid?.() ?? 0;
        const gid = process.getgid?.() ?? 0;
        const change: Change = {
          kind: 'file',
          path: target,
          before: null,
          after: { contentBase64: bytes.toString('base64'), mode: 0o750, uid, gid },
        };
        const result = run(shell.argv, [change]);
        assert.equal(result.status, 0, result.stdout + result.stderr);
        assert.deepEqual(readFileSync(target), bytes);
        assert.equal(statSync(target).mode & 0o7777, 0o750);
        assert.equal(result.outcomes[0]?.matches, true, JSON.stringify(result.outcomes));
        assert.deepEqual(leftovers(sub), []);
      },
    );

    it('a temp name that already exists is refused, nothing written, the stranger left alone', { skip }, () => {
      const sub = mkdtempSync(join(dir, 'taken-'));
      const target = join(sub, 'sysctl.conf');
      writeFileSync(target, 'old\n');
      const stranger = join(sub, `.conntrack-fleet.${token}.1`);
      writeFileSync(stranger, 'not ours');
      const change: Change = { kind: 'file', path: target, before: textFile('old\n'), after: textFile('new\n') };
      const result = run(shell.argv, [change]);
      assert.equal(result.status, 1);
      assert.match(result.outcomes[0]?.error ?? '', /already exists; nothing written/);
      assert.equal(readFileSync(target, 'utf8'), 'old\n');
      assert.equal(readFileSync(stranger, 'utf8'), 'not ours');
    });

    it('stops at the first failure, reports stderr, and touches nothing after it', { skip }, () => {
      const first = join(dir, `${shell.name}-first`);
      const untouched = join(dir, `${shell.name}-untouched`);
      writeFileSync(first, '1\n');
      writeFileSync(untouched, '1\n');
      const changes: Change[] = [
        makeKnobChange({ key: 'first', path: first, before: '1', after: '2' }),
        { kind: 'file', path: join(dir, 'no-such-dir', 'x.conf'), before: null, after: textFile('x\n') },
        makeKnobChange({ key: 'later', path: untouched, before: '1', after: '3' }),
      ];
      const { status, outcomes, stdout } = run(shell.argv, changes);
      assert.equal(status, 1);
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['applied', 'failed', 'not-run'],
      );
      assert.match(
        outcomes[1]?.error ?? '',
        /cannot create \S+\/no-such-dir\/\.conntrack-fleet\.[0-9a-f]{16}\.1: (Directory nonexistent|nonexistent directory|No such file or directory)/,
      );
      assert.deepEqual(outcomes[1]?.mismatches, [`${join(dir, 'no-such-dir', 'x.conf')} is absent, expected present`]);
      assert.equal(readFileSync(untouched, 'utf8'), '1\n');
      assert.match(stdout, new RegExp(`^@@cf ${token} end failed$`, 'm'));
    });

    it(
      'files staged together: one that cannot be staged stops them all before any rename, no temp left',
      { skip },
      () => {
        const sub = mkdtempSync(join(dir, 'staged-'));
        writeFileSync(join(sub, 'a.conf'), 'old\n');
        const changes: Change[] = [
          { kind: 'file', path: join(sub, 'a.conf'), before: textFile('old\n'), after: textFile('new\n') },
          { kind: 'file', path: join(sub, 'no-such-dir', 'b.conf'), before: null, after: textFile('b\n') },
        ];
        const stopped = run(shell.argv, changes);
        assert.deepEqual(
          stopped.outcomes.map((o) => [o.status, o.matches]),
          [
            ['not-run', false],
            ['failed', false],
          ],
        );
        assert.equal(readFileSync(join(sub, 'a.conf'), 'utf8'), 'old\n');
        assert.deepEqual(leftovers(sub), []);
        const attempted = run(shell.argv, changes, { continueOnError: true });
        assert.deepEqual(
          attempted.outcomes.map((o) => [o.status, o.matches]),
          [
            ['applied', true],
            ['failed', false],
          ],
        );
        assert.equal(readFileSync(join(sub, 'a.conf'), 'utf8'), 'new\n');
        assert.deepEqual(leftovers(sub), []);
      },
    );

    it('a knob the kernel refuses fails with the write error', { skip }, () => {
      const changes: Change[] = [makeKnobChange({ key: 'version', path: '/proc/version', before: 'x', after: 'y' })];
      const [outcome] = run(shell.argv, changes).outcomes;
      assert.equal(outcome?.status, 'failed');
      assert.ok((outcome?.error ?? '').length > 0);
      assert.equal(outcome?.matches, false);
    });

    it('removes the temp file when the write fails after creating it', { skip }, () => {
      const sub = mkdtempSync(join(dir, 'bad-'));
      const bad: Change = {
        kind: 'file',
        path: join(sub, 'x.conf'),
        before: null,
        after: { contentBase64: '@@@not base64@@@', mode: 0o644, uid: 0, gid: 0 },
      };
      const [outcome] = run(shell.argv, [bad]).outcomes;
      assert.equal(outcome?.status, 'failed');
      assert.match(outcome?.error ?? '', /base64/);
      assert.deepEqual(readdirSync(sub), []);
    });

    it('unloads and reloads modules through rmmod/modprobe and reads lsmod back', { skip }, () => {
      writeFileSync(join(dir, 'modules'), 'nf_nat\nnf_conntrack\nbusy\n');
      const unload: Change[] = [
        { kind: 'module-unload', module: 'nf_nat' },
        { kind: 'module-unload', module: 'busy' },
        { kind: 'module-unload', module: 'nf_conntrack' },
      ];
      const { outcomes } = run(shell.argv, unload);
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['applied', 'failed', 'not-run'],
      );
      assert.equal(outcomes[0]?.matches, true);
      assert.equal(
        outcomes[1]?.error,
        'rmmod: ERROR: Module busy is in use by: holder — likely cause: another module, a rule or a process still holds it',
      );
      assert.deepEqual(outcomes[1]?.mismatches, ['busy is still loaded']);
      const reload = run(shell.argv, invertChanges(unload.slice(0, 1)));
      assert.deepEqual(
        reload.outcomes.map((o) => [o.status, o.matches]),
        [['applied', true]],
      );
    });

    it('continueOnError attempts every change and still exits 1', { skip }, () => {
      const later = join(dir, `${shell.name}-later`);
      writeFileSync(later, '1\n');
      const changes: Change[] = [
        makeKnobChange({ key: 'version', path: '/proc/version', before: 'x', after: 'y' }),
        makeKnobChange({ key: 'later', path: later, before: '1', after: '2' }),
      ];
      const { status, outcomes } = run(shell.argv, changes, { continueOnError: true });
      assert.equal(status, 1);
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['failed', 'applied'],
      );
      assert.equal(readFileSync(later, 'utf8'), '2\n');
    });
  });
}

describe('apply script on this machine', () => {
  it('reports module state as unknown when lsmod cannot read /proc/modules', (t) => {
    if (existsSync('/proc/modules')) return t.skip('this machine has /proc/modules');
    const result = spawnSync('sh', ['-s'], {
      input: buildApplyScript([{ kind: 'module-load', module: 'nf_conntrack' }], { token }),
      encoding: 'utf8',
    });
    const [outcome] = parseApplyOutput(result.stdout, [{ kind: 'module-load', module: 'nf_conntrack' }], token);
    assert.equal(outcome?.readBack?.kind === 'module' && outcome.readBack.loaded, null);
    assert.match(outcome!.mismatches[0]!, /could not tell whether it is loaded/);
  });

  it('rejects relative paths and odd module names instead of writing them', () => {
    assert.throws(
      () => buildApplyScript([makeKnobChange({ key: 'k', path: 'relative', before: '1', after: '2' })], { token }),
      /absolute/,
    );
    assert.throws(
      () => buildApplyScript([{ kind: 'module-unload', module: '-f nf_nat' }], { token }),
      /not a module name/,
    );
  });
});
