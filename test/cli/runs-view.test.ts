/** `runs`: journals read over fake hosts, and the JSON report of them (error_kind for hosts not read). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderRuns, type RunsHostJson } from '../../src/cli/runs-view.js';
import { ConnectError } from '../../src/errors.js';
import type { JournalEntry } from '../../src/runner/journal.js';
import { readJournals } from '../../src/runner/read-journals.js';
import type { Connection, HostTarget } from '../../src/transport/connection.js';
import { fakeHost, type FakeHostScript, target, testPool, tokenOf } from '../runner/fake-host.js';

const entry: JournalEntry = {
  version: 1,
  run_id: 'R1',
  playbook: 'p.yaml',
  host: 'ok',
  started_at: '2026-11-29T10:00:00Z',
  updated_at: '2026-11-29T10:00:05Z',
  state: 'done',
  changes: [],
  applied_count: 0,
};
const listed = (script: string) => ({
  stdout: `@@cf ${tokenOf(script)} journal ${Buffer.from(JSON.stringify(entry)).toString('base64')}\n`,
});

// host name → how it answers, and the error_kind its JSON entry must carry (undefined: read, no key)
const cases: [string, FakeHostScript | Error, string | undefined][] = [
  ['ok', { replies: { other: [listed] } }, undefined],
  ['refused', new ConnectError('unreachable', 'refused: connect ECONNREFUSED'), 'unreachable'],
  ['key', new ConnectError('host-key-changed', 'key: host key changed'), 'host-key-changed'],
  ['sudo', { replies: { other: [new ConnectError('become', 'sudo: become (sudo -u root) failed')] } }, 'become'],
  ['listing', { replies: { other: [{ exitCode: 2, stderr: 'sh: 1: cannot open' }] } }, 'journal'],
];

test('runs -o json: every host whose journals could not be read has error_kind; a read host has none', async () => {
  const connect = async (t: HostTarget): Promise<Connection> => {
    const how = cases.find(([name]) => name === t.name)?.[1] ?? {};
    if (how instanceof Error) throw how;
    return fakeHost(t, how).connection;
  };
  const pool = testPool(connect);
  const journals = await readJournals(
    pool,
    cases.map(([name]) => target(name)),
    2,
  );
  await pool.closeAll();
  const json = JSON.parse(renderRuns(journals, true)) as RunsHostJson[];
  assert.deepEqual(
    json.map((h) => [h.host, h.error_kind, h.error === null]),
    cases.map(([name, , kind]) => [name, kind, kind === undefined]),
  );
  assert.deepEqual(json[0]?.runs, [
    {
      run_id: 'R1',
      state: 'done',
      started_at: '2026-11-29T10:00:00Z',
      updated_at: '2026-11-29T10:00:05Z',
      playbook: 'p.yaml',
      changes: 0,
      applied: 0,
    },
  ]);
  assert.equal('error_kind' in (json[0] ?? {}), false);
});
