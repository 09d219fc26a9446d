/**
 * How scripts travel: a `run` of the tune playbook opens ONE SSH connection per host and at most 3 channels (today
 * 2: the held lock and the one shell session carrying the gather, every step and the journal), counted from the
 * lab sshd's own log (LogLevel VERBOSE: "Connection from", "Starting session"). The JSON report carries per-phase
 * timings. Wall time is measured by `npm run bench`, never asserted here.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tunePlaybook } from '../fixtures/tune-playbook.js';
import { type CheckLab, countContacts, startCheckLab, type SshdTally } from './check-lab.js';
import { labSkip, requireReport, runPlaybook, transcript, type RunOutcome } from './run-lab.js';

const portBase = 29100;
const hosts = ['lab1', 'lab2'];

describe('run: one connection and at most 3 channels per host', { skip: labSkip }, () => {
  let t: CheckLab;
  let run: RunOutcome;
  let contacts: Record<string, SshdTally>;

  before(async () => {
    t = await startCheckLab(hosts.length, portBase);
    const book = path.join(t.tmp, 'tune.yaml');
    await writeFile(book, tunePlaybook);
    contacts = await countContacts(t.lab, async () => {
      run = await runPlaybook(t, book);
    });
  });

  after(async () => {
    await t?.down();
  });

  it('changes every host (so every step really ran a request)', () => {
    const report = requireReport(run);
    assert.equal(run.cli.exitCode, 0, transcript(run.cli));
    assert.deepEqual(
      report.hosts.map((h) => [h.host, h.outcome]),
      hosts.map((h) => [h, 'changed']),
    );
  });

  it('sshd saw exactly one connection and at most 3 sessions per host', (ctx) => {
    ctx.diagnostic(`sshd per host: ${JSON.stringify(contacts)}`);
    for (const host of hosts) {
      const seen = contacts[host];
      assert.equal(seen?.connections, 1, `${host}: ${JSON.stringify(seen)}`);
      assert.ok((seen?.sessions ?? 99) <= 3, `${host}: ${JSON.stringify(seen)}`);
      assert.ok((seen?.sessions ?? 0) >= 1, `${host}: the log counts sessions`);
    }
  });

  it('the report gives per-phase timings and apply_ms for every changed step', () => {
    const report = requireReport(run) as unknown as {
      hosts: { timings?: Record<string, number | null>; steps: { outcome: string; apply_ms?: number }[] }[];
    };
    for (const host of report.hosts) {
      assert.deepEqual(Object.keys(host.timings ?? {}).sort(), ['connect_ms', 'gather_ms', 'journal_ms', 'lock_ms']);
      for (const key of ['connect_ms', 'gather_ms', 'journal_ms', 'lock_ms'])
        assert.equal(typeof host.timings?.[key], 'number', key);
      for (const step of host.steps.filter((s) => s.outcome === 'changed'))
        assert.equal(typeof step.apply_ms, 'number');
    }
  });
});
