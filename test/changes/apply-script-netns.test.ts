/** The apply script against real conntrack sysctls, inside a throwaway network namespace. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { knobPaths, timeoutPath } from '../../src/facts/types.js';
import { parseApplyOutput } from '../../src/changes/apply-output.js';
import { buildApplyScript } from '../../src/changes/apply-script.js';
import { invertChanges } from '../../src/changes/invert.js';
import { makeKnobChange } from '../../src/changes/knob-change.js';
import type { Change } from '../../src/changes/change.js';
import { newRecordToken } from '../../src/remote/records.js';

const token = newRecordToken();

const udpTimeout = timeoutPath('udp_timeout');

/** Why the test cannot run here, or null. */
function findSkipReason(): string | null {
  if (process.getuid?.() !== 0) return 'needs root for unshare -n';
  const probe = spawnSync('unshare', ['-n', 'cat', udpTimeout], { encoding: 'utf8' });
  if (probe.status !== 0) return `no network namespace with conntrack sysctls: ${probe.stderr.trim()}`;
  return null;
}

describe('apply script in a new network namespace', () => {
  it('writes a per-netns timeout, fails on the read-only global max, undoes in the same namespace', (t) => {
    const skip = findSkipReason();
    if (skip) return t.skip(skip);
    const current = spawnSync('unshare', ['-n', 'cat', udpTimeout], { encoding: 'utf8' }).stdout.trim();
    const target = String(Number(current) + 15);
    const changes: Change[] = [
      makeKnobChange({ key: 'nf_conntrack_udp_timeout', path: udpTimeout, before: current, after: target }),
      makeKnobChange({ key: 'nf_conntrack_max', path: knobPaths.max, before: '1', after: '2' }),
    ];
    const dir = mkdtempSync(join(tmpdir(), 'ctf-netns-'));
    writeFileSync(join(dir, 'apply.sh'), buildApplyScript(changes, { token }));
    writeFileSync(join(dir, 'undo.sh'), buildApplyScript(invertChanges(changes.slice(0, 1)), { token }));
    // One namespace for apply and undo: it vanishes when the outer shell exits.
    const both = `sh ${dir}/apply.sh; echo ----; sh ${dir}/undo.sh`;
    const result = spawnSync('unshare', ['-n', 'sh', '-c', both], { encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
    const [applyOut = '', undoOut = ''] = result.stdout.split('----\n');
    const outcomes = parseApplyOutput(applyOut, changes, token);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['applied', 'failed'],
    );
    assert.equal(outcomes[0]?.matches, true);
    assert.match(outcomes[1]?.error ?? '', /Permission denied|Read-only/);
    assert.match(outcomes[1]?.mismatches[0] ?? '', /^nf_conntrack_max read back \d+, expected 2$/);
    const undone = parseApplyOutput(undoOut, invertChanges(changes.slice(0, 1)), token);
    assert.deepEqual(
      undone.map((o) => [o.status, o.matches]),
      [['applied', true]],
    );
    const host = spawnSync('cat', [udpTimeout], { encoding: 'utf8' }).stdout.trim();
    assert.equal(host, current, 'the host namespace was never touched');
  });
});
