import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isApplyComplete, parseApplyOutput } from '../../src/changes/apply-output.js';
import { sha256OfState } from '../../src/changes/file-state.js';
import { makeKnobChange } from '../../src/changes/knob-change.js';
import type { Change } from '../../src/changes/change.js';
import { textFile } from '../fixtures/steps/facts.js';
import { newRecordToken } from '../../src/remote/records.js';

const token = newRecordToken();

const after = textFile('x = 1\n');
const changes: Change[] = [
  makeKnobChange({
    key: 'nf_conntrack.hashsize',
    path: '/h',
    before: '65536',
    after: '1000',
    accept: ['1024'],
    mirrors: [{ key: 'nf_conntrack_buckets', path: '/b' }],
  }),
  { kind: 'file', path: '/etc/sysctl.conf', before: null, after },
  { kind: 'module-unload', module: 'nf_nat' },
  { kind: 'module-unload', module: 'nf_conntrack' },
];

describe('parseApplyOutput', () => {
  it('turns the records into outcomes and verifies them', () => {
    const stdout = [
      'noise from a motd',
      `@@cf ${token} applied 0`,
      `@@cf ${token} read 0 knob value 1024`,
      `@@cf ${token} read 0 mirror.0 value 1024`,
      `@@cf ${token} applied 1`,
      `@@cf ${token} read 1 file value ${sha256OfState(after)} 644 0 0`,
      `@@cf ${token} failed 2 1 rmmod: ERROR: Module nf_nat is in use by: xt_MASQUERADE`,
      `@@cf ${token} read 2 module loaded`,
      `@@cf ${token} end failed`,
    ].join('\n');
    const [knob, file, failed, notRun] = parseApplyOutput(stdout, changes, token);
    assert.deepEqual([knob?.status, knob?.matches, knob?.mismatches], ['applied', true, []]);
    assert.deepEqual(knob?.readBack, {
      kind: 'knob',
      knob: { key: 'nf_conntrack.hashsize', path: '/h', value: '1024' },
      mirrors: [{ key: 'nf_conntrack_buckets', path: '/b', value: '1024' }],
    });
    assert.deepEqual([file?.status, file?.matches], ['applied', true]);
    assert.equal(failed?.status, 'failed');
    assert.equal(
      failed?.error,
      'rmmod: ERROR: Module nf_nat is in use by: xt_MASQUERADE — likely cause: another module, a rule or a process still holds it',
    );
    assert.deepEqual(failed?.mismatches, ['nf_nat is still loaded']);
    assert.deepEqual([notRun?.status, notRun?.readBack, notRun?.matches], ['not-run', null, false]);
    assert.equal(isApplyComplete(stdout, token), true);
  });

  it('a failure without stderr reports the exit status', () => {
    const [outcome] = parseApplyOutput(
      `@@cf ${token} failed 0 2\n@@cf ${token} read 0 knob absent\n`,
      changes.slice(0, 1),
      token,
    );
    assert.equal(outcome?.error, 'nf_conntrack.hashsize (/h): write failed: exit status 2');
    assert.match(outcome!.mismatches[0]!, /read back nothing \(absent\)/);
  });

  it('an output cut short leaves later changes not-run and is not complete', () => {
    const stdout = `@@cf ${token} applied 0\n@@cf ${token} read 0 knob val`;
    const outcomes = parseApplyOutput(stdout, changes, token);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['applied', 'not-run', 'not-run', 'not-run'],
    );
    assert.equal(outcomes[0]?.matches, false);
    assert.equal(isApplyComplete(stdout, token), false);
  });

  it('ignores indexes beyond the changes and unknown lines', () => {
    const outcomes = parseApplyOutput(`@@cf ${token} applied 9\n@@cf ${token} applied x\n`, changes.slice(0, 1), token);
    assert.equal(outcomes[0]?.status, 'not-run');
  });
});
