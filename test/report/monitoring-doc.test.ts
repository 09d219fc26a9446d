/** docs/monitoring.md's alert rules are valid Prometheus rules and use only the metrics `check --prometheus` writes. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { renderPrometheus } from '../../src/report/prometheus.js';
import { answered } from './check-results.fixture.js';

const doc = await readFile(new URL('../../docs/monitoring.md', import.meta.url), 'utf8');
const rules = /```yaml\n(groups:[\s\S]*?)```/.exec(doc)?.[1] ?? '';

describe('docs/monitoring.md alert rules', () => {
  it('name only metrics that check --prometheus writes', async () => {
    assert.ok(rules.includes('alert: ConntrackTableFilling'), 'rules block found');
    const written = await renderPrometheus([answered('h')], () => [], 0);
    const used = new Set(rules.match(/conntrack_fleet_[a-z_]+/g) ?? []);
    assert.ok(used.size >= 4);
    for (const name of used) assert.match(written, new RegExp(`^# TYPE ${name} `, 'm'), name);
  });

  it('promtool check rules accepts them (when promtool is installed)', async (t) => {
    if (spawnSync('promtool', ['--version'], { stdio: 'ignore' }).error)
      return t.skip('promtool not installed (Debian package prometheus)');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'monitoring-doc-'));
    try {
      const file = path.join(dir, 'rules.yaml');
      await writeFile(file, rules);
      const result = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
      assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
