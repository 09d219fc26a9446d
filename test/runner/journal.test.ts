import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileFunctions } from '../../src/changes/write-file-sh.js';
import { test } from 'node:test';
import { newRecordToken, parseRecords, recordHeader } from '../../src/remote/records.js';
import {
  applyLockFile,
  applyLockScript,
  changePrelude,
  type JournalEntry,
  journalListScript,
  journalPath,
  journalWriteScript,
  parseJournalList,
  stepTicketFile,
  type StepTicket,
} from '../../src/runner/journal.js';

const entry = (runId: string, startedAt: string): JournalEntry => ({
  version: 1,
  run_id: runId,
  playbook: 'playbooks/tune.yaml',
  host: 'lab1',
  started_at: startedAt,
  updated_at: startedAt,
  state: 'applying',
  changes: [
    {
      kind: 'knob',
      key: 'net.netfilter.nf_conntrack_max',
      path: '/proc/sys/net/netfilter/nf_conntrack_max',
      before: '65536',
      after: "26'2144",
    },
  ],
  applied_count: 1,
});

test('journal paths refuse run ids that could escape the directory', () => {
  assert.equal(journalPath('20261126T1-ab'), '/var/lib/conntrack-fleet/journal/20261126T1-ab.json');
  for (const bad of ['../x', 'a/b', 'a b', '']) assert.throws(() => journalPath(bad));
});

test('the journal script writes the entry atomically with mode 0600 and the list script reads it back', () => {
  const root = mkdtempSync(join(tmpdir(), 'cf-journal-'));
  // the script names the absolute journal dir; run it with that dir rebased into a temp root
  const rebase = (script: string) => script.replaceAll('/var/lib/conntrack-fleet/journal', join(root, 'journal'));
  execFileSync('sh', ['-c', rebase(journalWriteScript(entry('run-1', '2026-11-26T10:00:00.000Z')))]);
  execFileSync('sh', ['-c', rebase(journalWriteScript(entry('run-2', '2026-11-26T11:00:00.000Z')))]);
  const file = join(root, 'journal', 'run-1.json');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), entry('run-1', '2026-11-26T10:00:00.000Z'));
  const token = newRecordToken();
  const listed = parseJournalList(execFileSync('sh', ['-c', rebase(journalListScript(token))]).toString(), token);
  assert.deepEqual(
    listed.map((e) => e.run_id),
    ['run-1', 'run-2'],
  );
  assert.equal(listed[0]?.changes[0]?.kind, 'knob');
});

test('a journal cut short by a crash is skipped, not fatal', () => {
  const good = Buffer.from(JSON.stringify(entry('ok', '2026-01-01T00:00:00Z'))).toString('base64');
  const token = newRecordToken();
  const forged = Buffer.from(JSON.stringify(entry('forged', '2026-01-01T00:00:00Z'))).toString('base64');
  const out = [
    `@@cf ${token} journal eyJ2ZXJz`,
    `@@cf ${token} journal ${good}`,
    `@@cf ${token} journal ${good.slice(0, 20)}`,
    `@@cf ${newRecordToken()} journal ${forged}`,
    `@@begin journal /x/old.json\n|${forged}\n@@end`,
  ].join('\n');
  assert.deepEqual(
    parseJournalList(out, token).map((e) => e.run_id),
    ['ok'],
  );
});

test('each host keeps the newest 20 journals: writing one more prunes the oldest', () => {
  const root = mkdtempSync(join(tmpdir(), 'cf-journal-prune-'));
  const dir = join(root, 'journal');
  mkdirSync(dir);
  // 21 journals of earlier runs, oldest first (mtime is what orders them)
  for (let i = 1; i <= 21; i += 1) {
    const file = join(dir, `old-${String(i).padStart(2, '0')}.json`);
    writeFileSync(file, '{}');
    utimesSync(file, 1_700_000_000 + i * 60, 1_700_000_000 + i * 60);
  }
  execFileSync('sh', [
    '-c',
    journalWriteScript(entry('current', '2026-11-26T12:00:00.000Z')).replaceAll(
      '/var/lib/conntrack-fleet/journal',
      dir,
    ),
  ]);
  const left = readdirSync(dir).sort();
  assert.equal(left.length, 20);
  assert.ok(left.includes('current.json'));
  assert.deepEqual(
    ['old-01.json', 'old-02.json'].filter((f) => left.includes(f)),
    [],
  );
});

test('a change script waits for the one still running on the host (the apply lock)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'cf-apply-lock-'));
  const script = applyLockScript()
    .replaceAll(applyLockFile, join(root, 'apply.lock'))
    .replaceAll(stepTicketFile, join(root, 'step'));
  const first = spawn('sh', ['-c', `${script}\necho held; sleep 1`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => first.stdout.once('data', () => resolve()));
  const startedAt = Date.now();
  execFileSync('sh', ['-c', `${script}\necho second`]);
  const waitedMs = Date.now() - startedAt;
  assert.ok(waitedMs >= 700, `the second script ran after ${waitedMs} ms, while the first still held the lock`);
  await new Promise((resolve) => first.once('close', resolve));
  // with no lock file possible (no /run), the script goes on without one
  const noRun = applyLockScript()
    .replaceAll(applyLockFile, join(root, 'missing-dir', 'apply.lock'))
    .replaceAll(stepTicketFile, join(root, 'missing-dir', 'step'));
  assert.equal(execFileSync('sh', ['-c', `${noRun}\necho ran`]).toString(), 'ran\n');
});

/** Runs a change script's prelude (lock, ticket, journal) with /run and the journal dir rebased into `root`. */
function runPrelude(root: string, ticket: StepTicket, entry: JournalEntry | null) {
  const token = newRecordToken();
  const script = [recordHeader(token), writeFileFunctions, changePrelude(ticket, entry), 'echo wrote-on']
    .join('\n')
    .replaceAll(applyLockFile, join(root, 'apply.lock'))
    .replaceAll(stepTicketFile, join(root, 'step'))
    .replaceAll('/var/lib/conntrack-fleet/journal', join(root, 'journal'));
  const result = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
  return {
    status: result.status,
    wroteOn: result.stdout.includes('wrote-on'),
    records: parseRecords(result.stdout, token),
    stderr: result.stderr,
  };
}

test('the step ticket: a change script runs only right after the step before it; after a rollback none of the run does', () => {
  const root = mkdtempSync(join(tmpdir(), 'cf-ticket-'));
  const cases: [string, StepTicket, number, string | null][] = [
    ['step 1 of run A on a host that saw another run', { runId: 'A', step: 1 }, 0, null],
    ['step 2 right after step 1', { runId: 'A', step: 2 }, 0, null],
    ['step 2 again (a duplicate)', { runId: 'A', step: 2 }, 98, 'A 2'],
    ['step 4 skipping step 3', { runId: 'A', step: 4 }, 98, 'A 2'],
    ['the rollback', { runId: 'A', step: 'undo' }, 0, null],
    ['a late step 3 after the rollback', { runId: 'A', step: 3 }, 98, 'A undo'],
    ['a late step 1 after the rollback', { runId: 'A', step: 1 }, 98, 'A undo'],
    ['step 1 of the next run B', { runId: 'B', step: 1 }, 0, null],
  ];
  writeFileSync(join(root, 'step'), 'Z 7\n');
  for (const [name, ticket, status, stale] of cases) {
    const before = readFileSync(join(root, 'step'), 'utf8');
    const journal = ticket.step === 'undo' ? null : entry(ticket.runId, '2026-11-26T10:00:00.000Z');
    const result = runPrelude(root, ticket, journal);
    assert.equal(result.status, status, `${name}: ${result.stderr}`);
    assert.equal(result.wroteOn, stale === null, name);
    if (stale === null) {
      assert.equal(readFileSync(join(root, 'step'), 'utf8'), `${ticket.runId} ${ticket.step}\n`, name);
    } else {
      // refused before anything was written, and said so in a record and on stderr
      assert.deepEqual(result.records, [{ kind: 'stale', text: stale }], name);
      assert.match(result.stderr, /stale/, name);
      assert.equal(readFileSync(join(root, 'step'), 'utf8'), before, name);
    }
  }
  // a refused step 3 wrote no journal: only the steps that ran did (runs A and B)
  assert.deepEqual(readdirSync(join(root, 'journal')).sort(), ['A.json', 'B.json']);
});

test('a journal that cannot be written refuses the step with a record naming the errno', () => {
  const root = mkdtempSync(join(tmpdir(), 'cf-journal-ro-'));
  writeFileSync(join(root, 'journal'), 'a file where the directory should be');
  const result = runPrelude(root, { runId: 'A', step: 1 }, entry('A', '2026-11-26T10:00:00.000Z'));
  assert.equal(result.status, 97);
  assert.equal(result.wroteOn, false);
  assert.equal(result.records[0]?.kind, 'journal-failed');
  assert.match(result.records[0]?.text ?? '', /exists|Not a directory|File exists/);
});
