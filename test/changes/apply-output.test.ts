import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isApplyComplete, parseApplyOutput } from '../../src/changes/apply-output.js';
import { sha256OfState } from '../../src/changes/file-state.js';
import { makeKnobChange } from '../../src/changes/knob-change.js';
import type { Change } from '../../src/changes/change.js';
import { textFile } from '../fixtures/steps/facts.js';

const after = textFile('x = 1\n');
const changes: Change[] = [
  makeKnobChange({ key: 'nf_conntrack.hashsize', path: '/h', before: '65536', after: '1000', accept: ['1024'], mirrors: [{ key: 'nf_conntrack_buckets', path: '/b' }] }),
  { kind: 'file', path: '/etc/sysctl.conf', before: null, after },
  { kind: 'module-unload', module: 'nf_nat' },
  { kind: 'module-unload', module: 'nf_conntrack' },
];

describe('parseApplyOutput', () => {
  it('turns the CTF lines into outcomes and verifies them', () => {
    const stdout = [
      'noise from a motd',
      'CTF 0 applied',
      'CTF 0 read knob value 1024',
      'CTF 0 read mirror.0 value 1024',
      'CTF 1 applied',
      `CTF 1 read file value ${sha256OfState(after)} 644 0 0`,
      'CTF 2 failed 1 rmmod: ERROR: Module nf_nat is in use by: xt_MASQUERADE',
      'CTF 2 read module loaded',
      'CTF end failed',
    ].join('\n');
    const [knob, file, failed, notRun] = parseApplyOutput(stdout, changes);
    assert.deepEqual([knob?.status, knob?.matches, knob?.mismatches], ['applied', true, []]);
    assert.deepEqual(knob?.readBack, {
      kind: 'knob',
      knob: { key: 'nf_conntrack.hashsize', path: '/h', value: '1024' },
      mirrors: [{ key: 'nf_conntrack_buckets', path: '/b', value: '1024' }],
    });
    assert.deepEqual([file?.status, file?.matches], ['applied', true]);
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.error, 'rmmod: ERROR: Module nf_nat is in use by: xt_MASQUERADE — likely cause: another module, a rule or a process still holds it');
    assert.deepEqual(failed?.mismatches, ['nf_nat is still loaded']);
    assert.deepEqual([notRun?.status, notRun?.readBack, notRun?.matches], ['not-run', null, false]);
    assert.equal(isApplyComplete(stdout), true);
  });

  it('a failure without stderr reports the exit status', () => {
    const [outcome] = parseApplyOutput('CTF 0 failed 2\nCTF 0 read knob absent\n', changes.slice(0, 1));
    assert.equal(outcome?.error, 'nf_conntrack.hashsize (/h): write failed: exit status 2');
    assert.match(outcome!.mismatches[0]!, /read back nothing \(absent\)/);
  });

  it('an output cut short leaves later changes not-run and is not complete', () => {
    const stdout = 'CTF 0 applied\nCTF 0 read knob val';
    const outcomes = parseApplyOutput(stdout, changes);
    assert.deepEqual(outcomes.map((o) => o.status), ['applied', 'not-run', 'not-run', 'not-run']);
    assert.equal(outcomes[0]?.matches, false);
    assert.equal(isApplyComplete(stdout), false);
  });

  it('ignores indexes beyond the changes and unknown lines', () => {
    const outcomes = parseApplyOutput('CTF 9 applied\nCTF x applied\n', changes.slice(0, 1));
    assert.equal(outcomes[0]?.status, 'not-run');
  });
});
