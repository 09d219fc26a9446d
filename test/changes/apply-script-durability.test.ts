/**
 * The order of fsyncs and renames in a change script (journal prelude + apply script), seen through logging
 * `sync` and `mv` wrappers first on PATH. A directory's fsync rides on the next sync(1) (write-file.sh ctf_sync), so
 * these pin what that must never give up: each temp is fsynced before its rename; the journal's directory is fsynced
 * before any other rename and before a knob is written; so is every other renamed directory before a knob write; and
 * no directory is still owed its fsync when the script ends. (Files staged together are renamed one after the other
 * after one sync: the journal describes them all, so their renames need no order among themselves.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isApplyComplete } from '../../src/changes/apply-output.js';
import { buildApplyScript } from '../../src/changes/apply-script.js';
import type { Change } from '../../src/changes/change.js';
import { makeKnobChange } from '../../src/changes/knob-change.js';
import { newRecordToken } from '../../src/remote/records.js';
import {
  applyLockFile,
  changePrelude,
  type JournalEntry,
  journalDir,
  stepTicketFile,
} from '../../src/runner/journal.js';
import { textFile } from '../fixtures/steps/facts.js';

const shells = [
  ['dash', '-s'],
  ['busybox', 'ash', '-s'],
].filter((argv) => spawnSync(argv[0]!, [...argv.slice(1, -1), '-c', 'true']).status === 0);

let root = '';
let bin = '';
before(() => {
  root = mkdtempSync(join(tmpdir(), 'cf-durability-'));
  bin = join(root, 'bin');
  mkdirSync(bin);
  // each call logs its operands (one per line) and the knob's value at that moment, then runs the real program
  const wrapper = (name: string, real: string) =>
    `#!/bin/sh\n{ echo "@${name} knob=$(cat ${root}/knob)"; for a; do echo "$a"; done; } >> ${root}/log\nexec ${real} "$@"\n`;
  writeFileSync(join(bin, 'sync'), wrapper('sync', '/bin/sync'), { mode: 0o755 });
  writeFileSync(join(bin, 'mv'), wrapper('mv', '/bin/mv'), { mode: 0o755 });
});
after(() => rmSync(root, { recursive: true, force: true }));

interface Call {
  program: 'sync' | 'mv';
  knob: string;
  args: string[];
}

function readLog(): Call[] {
  const calls: Call[] = [];
  for (const line of readFileSync(join(root, 'log'), 'utf8').split('\n')) {
    const head = /^@(sync|mv) knob=(.*)$/.exec(line);
    if (head) calls.push({ program: head[1] as Call['program'], knob: head[2]!, args: [] });
    else if (line !== '') calls.at(-1)?.args.push(line);
  }
  return calls;
}

/** The prelude and apply script of step 1 of run R, with /run and the journal directory rebased into `root`. */
function stepScript(changes: Change[], token: string): string {
  const entry: JournalEntry = {
    version: 1,
    run_id: 'R',
    playbook: 'p.yaml',
    host: 'h',
    started_at: '2026-11-30T00:00:00.000Z',
    updated_at: '2026-11-30T00:00:00.000Z',
    state: 'applying',
    changes,
    applied_count: changes.length,
  };
  return buildApplyScript(changes, { token, prelude: changePrelude({ runId: 'R', step: 1 }, entry) })
    .replaceAll(journalDir, join(root, 'journal'))
    .replaceAll(applyLockFile, join(root, 'apply.lock'))
    .replaceAll(stepTicketFile, join(root, 'step'));
}

/** Asserts the ordering rules over the logged calls; returns the directories renamed into, in order. */
function assertDurableOrder(calls: Call[]): string[] {
  const journal = join(root, 'journal');
  const renamed: string[] = [];
  const owed = new Set<string>();
  calls.forEach((call, index) => {
    if (call.program === 'sync') {
      for (const path of call.args) owed.delete(path);
      return;
    }
    const [, source = '', target = ''] = call.args;
    const synced = calls.slice(0, index).some((c) => c.program === 'sync' && c.args.includes(source));
    assert.ok(synced, `${source} renamed before any fsync of it`);
    if (dirname(target) !== journal) assert.ok(!owed.has(journal), `${target} renamed before the journal was durable`);
    owed.add(dirname(target));
    renamed.push(dirname(target));
  });
  assert.deepEqual([...owed], [], 'the script ended with directories still owed an fsync');
  return renamed;
}

for (const argv of shells) {
  describe(`fsync before every change, under ${argv[0]}`, () => {
    const run = (changes: Change[]) => {
      rmSync(join(root, 'log'), { force: true });
      rmSync(join(root, 'journal'), { recursive: true, force: true });
      rmSync(join(root, 'step'), { force: true });
      const token = newRecordToken();
      const result = spawnSync(argv[0]!, argv.slice(1), {
        input: stepScript(changes, token),
        encoding: 'utf8',
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      });
      assert.equal(result.status, 0, result.stderr);
      assert.ok(isApplyComplete(result.stdout, token), result.stdout);
      return readLog();
    };

    it('a knob step: the journal and its directory are on disk before the knob changes', () => {
      writeFileSync(join(root, 'knob'), '5\n');
      const calls = run([makeKnobChange({ key: 'k', path: join(root, 'knob'), before: '5', after: '1000' })]);
      assert.deepEqual(assertDurableOrder(calls), [join(root, 'journal')]);
      const journalSync = calls.findLast((c) => c.program === 'sync' && c.args.includes(join(root, 'journal')));
      assert.equal(journalSync?.knob, '5', 'the journal directory was fsynced only after the knob changed');
      assert.equal(readFileSync(join(root, 'knob'), 'utf8'), '1000\n');
    });

    it('files in two directories, then a knob: the journal durable before the renames, all of them before the knob', () => {
      writeFileSync(join(root, 'knob'), '5\n');
      for (const d of ['a', 'b']) mkdirSync(join(root, d), { recursive: true });
      writeFileSync(join(root, 'a', 'one.conf'), 'old\n');
      const file = (path: string, before: string | null, after: string): Change => ({
        kind: 'file',
        path,
        before: before === null ? null : textFile(before, 0o644, process.getuid?.() ?? 0, process.getgid?.() ?? 0),
        after: textFile(after, 0o644, process.getuid?.() ?? 0, process.getgid?.() ?? 0),
      });
      const calls = run([
        file(join(root, 'a', 'one.conf'), 'old\n', 'new\n'),
        file(join(root, 'b', 'two.conf'), null, 'two\n'),
        makeKnobChange({ key: 'k', path: join(root, 'knob'), before: '5', after: '1000' }),
      ]);
      assert.deepEqual(assertDurableOrder(calls), [join(root, 'journal'), join(root, 'a'), join(root, 'b')]);
      // both directories in one sync, before the knob write, not after it
      const lastSync = calls.findLast((c) => c.program === 'sync');
      assert.deepEqual([lastSync?.args, lastSync?.knob], [[join(root, 'a'), join(root, 'b')], '5']);
      assert.equal(readFileSync(join(root, 'a', 'one.conf'), 'utf8'), 'new\n');
      assert.equal(readFileSync(join(root, 'knob'), 'utf8'), '1000\n');
    });
  });
}
