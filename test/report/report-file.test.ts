import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeReportFile } from '../../src/report/report-file.js';
import { buildRunReport } from '../../src/report/run-report.js';
import { fleetRun } from './run-events.fixture.js';

const report = buildRunReport(fleetRun(), { playbook: 'p.yaml', startedAt: new Date(0), finishedAt: new Date(1000) });

describe('writeReportFile', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'report-file-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the report as JSON and leaves no temp file', async () => {
    const path = join(dir, 'run.json');
    await writeReportFile(path, report);
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), report);
    assert.deepEqual(await readdir(dir), ['run.json']);
  });

  it('replaces an existing file whole', async () => {
    const path = join(dir, 'old.json');
    await writeFile(path, 'x'.repeat(100_000));
    await writeReportFile(path, report);
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), report);
  });

  it('fails with the path in the message and the cause kept, cleaning up its temp file', async () => {
    const path = join(dir, 'missing-dir', 'run.json');
    await assert.rejects(
      writeReportFile(path, report),
      (e: unknown) => e instanceof Error && e.message.includes(path) && e.cause !== undefined,
    );
    assert.ok(!(await readdir(dir)).some((name) => name.endsWith('.tmp')));
  });
});
