/**
 * Every JSON report uses snake_case keys (issue #12): each report builder's output for a realistic input is walked,
 * and no key may hold an upper-case letter. Keys that are DATA are exempt, and named here: kernel knob names (the
 * conntrack timeouts `tcp_timeout_established` …, the sysctl keys persist writes `net.netfilter.nf_conntrack_max`
 * …), which are the kernel's spelling, not ours. Host names, run ids and paths are values in every report, never
 * keys. The inputs come from the real planners, advisor and sample parser, so a new camelCase field shows up here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adviseHost, defaultAdviseOptions } from '../../src/advise/advise-host.js';
import { mergeRunReports } from '../../src/cli/report-merge.js';
import { toRunsJson } from '../../src/cli/runs-view.js';
import { withAlarms } from '../../src/facts/check-result.js';
import { nextRow } from '../../src/facts/sample-rates.js';
import { parseSample } from '../../src/facts/sample-script.js';
import { toAdviseJson } from '../../src/report/advise-json.js';
import { toCheckJson } from '../../src/report/check-json.js';
import { buildRunReport } from '../../src/report/run-report.js';
import { toWatchJsonLine } from '../../src/report/watch-json.js';
import type { RunEvent } from '../../src/runner/events.js';
import type { HostJournals } from '../../src/runner/read-journals.js';
import { hostResult } from '../../src/runner/step-results.js';
import { sampleOutput } from '../facts/sample-fixture.js';
import { meta, runEvents, tunedHostFacts } from './json-keys.fixture.js';
import { stepDataMaps, timeoutMaps, upperCaseKeys } from './json-keys-walk.js';

describe('JSON reports: snake_case keys only (knob names excepted: they are data)', () => {
  it('check -o json', () => {
    const read = withAlarms(
      { host: 'web1', reachable: true, error: null, facts: tunedHostFacts() },
      { failAbovePercent: 90 },
    );
    const unread = { host: 'Db1', reachable: false, error: 'sudo refused', facts: null, errorKind: 'become' as const };
    const json = [read, unread].map(toCheckJson);
    assert.ok(json[0]?.conntrack?.timeouts['tcp_timeout_established'], 'the input is a read host with timeouts');
    assert.deepEqual(upperCaseKeys(json, timeoutMaps), []);
  });

  it('run --report / -o json (rollback --report is the same builder)', () => {
    const report = buildRunReport(runEvents(), meta);
    const stepKinds = report.hosts[0]?.steps.map((s) => s.step);
    assert.deepEqual(stepKinds, ['check_count', 'raise_max', 'set_hashsize', 'set_timeouts', 'persist']);
    // the data maps are really there: persist planned its sysctl values, set_timeouts its knobs
    const persist = report.hosts[0]?.steps.find((s) => s.step === 'persist');
    assert.ok(Object.keys((persist?.after['values'] ?? {}) as object).includes('net.netfilter.nf_conntrack_max'));
    assert.deepEqual(upperCaseKeys(report, stepDataMaps), []);
  });

  it('rollback --report', () => {
    const events: RunEvent[] = [
      {
        type: 'run-start',
        runId: 'R1',
        hosts: ['web1'],
        steps: [{ kind: 'rollback', label: 'rollback R1' }],
        batches: [['web1']],
      },
      { type: 'host-start', host: 'web1', batch: 0 },
      { type: 'rollback-start', host: 'web1', reason: 'rollback of run R1' },
      { type: 'rollback-end', host: 'web1', ok: false, mismatches: ['/etc/sysctl.conf differs'] },
      {
        type: 'host-end',
        result: {
          ...hostResult('web1', 0, 'rollback-failed', { errorKind: 'rollback', error: 'ROLLBACK FAILED' }),
          rollbackMismatches: ['x'],
        },
      },
    ];
    assert.deepEqual(upperCaseKeys(buildRunReport(events, { ...meta, playbook: '(rollback)' }), stepDataMaps), []);
  });

  it('rollback --report with drift: the drift block, snake_case, as README "Drift" gives it', () => {
    const finding = {
      kind: 'knob' as const,
      target: 'nf_conntrack_max',
      runId: 'R1',
      runLeft: '262144',
      now: '131072',
      foundBy: 'R2',
      message: 'nf_conntrack_max: was 262144 set by run R1, run R2 found 131072 (changed between the two runs)',
    };
    const drift = { findings: [finding], unknown: [], overwritten: false };
    const events: RunEvent[] = [
      { type: 'host-start', host: 'web1', batch: 0 },
      { type: 'host-end', result: hostResult('web1', 0, 'failed', { errorKind: 'drift', error: 'refused', drift }) },
    ];
    const report = buildRunReport(events, { ...meta, playbook: '(rollback)' });
    assert.deepEqual(upperCaseKeys(report, stepDataMaps), []);
    assert.deepEqual(report.hosts[0]?.drift, {
      overwritten: false,
      findings: [
        {
          kind: 'knob',
          target: 'nf_conntrack_max',
          run_id: 'R1',
          run_left: '262144',
          now: '131072',
          found_by: 'R2',
          message: finding.message,
        },
      ],
      unknown: [],
    });
  });

  it('report merge', () => {
    const one = buildRunReport(runEvents(), meta);
    const other = { ...one, hosts: one.hosts.map((h) => ({ ...h, host: `${h.host}-b` })) };
    const merged = mergeRunReports([
      { file: 'a.json', report: one },
      { file: 'b.json', report: other },
    ]);
    assert.deepEqual(upperCaseKeys(JSON.parse(JSON.stringify(merged)), stepDataMaps), []);
  });

  it('runs -o json', () => {
    const journals: HostJournals[] = [
      {
        target: {
          name: 'web1',
          address: '127.0.0.1',
          port: 22,
          user: 'root',
          become: false,
          becomeUser: 'root',
          vars: {},
        },
        entries: [
          {
            version: 1,
            run_id: 'R1',
            playbook: 'p.yaml',
            host: 'web1',
            started_at: '2026-11-29T10:00:00Z',
            updated_at: '2026-11-29T10:00:05Z',
            state: 'done',
            changes: [],
            applied_count: 0,
          },
        ],
        error: null,
      },
      {
        target: {
          name: 'web2',
          address: '127.0.0.1',
          port: 22,
          user: 'root',
          become: false,
          becomeUser: 'root',
          vars: {},
        },
        entries: [],
        error: 'sudo refused',
        errorKind: 'become' as const,
      },
    ];
    assert.deepEqual(
      upperCaseKeys(toRunsJson(journals), () => false),
      [],
    );
  });

  it('advise -o json', () => {
    const facts = tunedHostFacts();
    const advice = adviseHost(facts, null, defaultAdviseOptions);
    const json = toAdviseJson([
      { host: 'web1', reachable: true, error: null, advice },
      { host: 'web2', reachable: false, error: 'connect ECONNREFUSED', advice: null },
    ]);
    assert.ok(json[0]?.advice, 'the input is an advised host');
    assert.deepEqual(upperCaseKeys(json, timeoutMaps), []);
  });

  it('watch -o json (one line per sample)', () => {
    const token = '0123456789abcdef';
    const stats = [
      'entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart',
      '00000011  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000002 00000005 00000000 00000000  00000000 00000000 00000000 00000000',
    ];
    const sample = (count: number) =>
      parseSample(
        sampleOutput(token, {
          knobs: [
            `/proc/sys/net/netfilter/nf_conntrack_count:${count}`,
            '/proc/sys/net/netfilter/nf_conntrack_max:65536',
          ],
          stats,
        }),
        token,
      );
    const first = { host: 'web1', atMs: 0, sample: sample(100), error: null };
    const second = { host: 'web1', atMs: 2000, sample: sample(200), error: null };
    const row = nextRow(first, second, nextRow(null, first, null));
    const gone = nextRow(second, { host: 'web1', atMs: 4000, sample: null, error: 'no answer' }, row);
    for (const line of [toWatchJsonLine(row, 2000), toWatchJsonLine(gone, 4000)])
      assert.deepEqual(
        upperCaseKeys(JSON.parse(line), () => false),
        [],
      );
  });

  it('the walker finds a camelCase key, and exempts only the data maps it is told of', () => {
    const value = { hosts: [{ steps: [{ step: 'set_timeouts', before: { Knob: 1 }, after: { usagePercent: 2 } }] }] };
    assert.deepEqual(
      upperCaseKeys(value, () => false),
      ['hosts.[].steps.[].before.Knob', 'hosts.[].steps.[].after.usagePercent'],
    );
    assert.deepEqual(upperCaseKeys({ step: 'check_count', before: { usagePercent: 1 } }, stepDataMaps), [
      'before.usagePercent',
    ]);
  });
});
