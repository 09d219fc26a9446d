import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeKnobChange } from '../../src/changes/knob-change.js';
import { applyChanges } from '../../src/runner/apply-changes.js';
import type { Connection, ExecResult } from '../../src/transport/connection.js';
import { localTarget } from '../facts/local-connection.js';

const changes = [
  makeKnobChange({
    key: 'net.netfilter.nf_conntrack_max',
    path: '/proc/sys/net/netfilter/nf_conntrack_max',
    before: '1',
    after: '2',
  }),
];

/** A host that answers every script with `answer(token)`: the records a real prelude would print, with the script's token. */
function hostAnswering(answer: (token: string) => ExecResult): Connection {
  return {
    target: localTarget,
    runScript: async (script) => answer(/^cf_tok=(\S+)$/m.exec(script)?.[1] ?? 'none'),
    hold: () => Promise.reject(new Error('not used')),
    close: async () => undefined,
    onLost: () => undefined,
  };
}

describe('applyChanges: what the prelude refused', () => {
  const cases: { name: string; records: (t: string) => string; exitCode: number; error: RegExp }[] = [
    {
      name: 'a late script (stale ticket): nothing applied, and the step says why',
      records: (t) => `@@cf ${t} stale 20261130T0300-ab undo\n`,
      exitCode: 98,
      error:
        /^not applied: this step is no longer current on the host \(its last change script: 20261130T0300-ab undo\); nothing changed$/,
    },
    {
      name: 'a journal that could not be written: nothing applied, the errno named',
      records: (t) =>
        `@@cf ${t} journal-failed sh: 1: cannot create /var/lib/conntrack-fleet/journal/.conntrack-fleet.x.1: Read-only file system\n`,
      exitCode: 97,
      error: /^could not write the journal, nothing changed: .*Read-only file system/,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const outcome = await applyChanges(
        hostAnswering((t) => ({
          stdout: c.records(t),
          stderr: '',
          exitCode: c.exitCode,
          signal: null,
          timedOut: false,
          durationMs: 0,
        })),
        changes,
        '',
      );
      assert.equal(outcome.ok, false);
      assert.deepEqual(outcome.attempted, []);
      assert.match(outcome.error ?? '', c.error);
    });
  }

  it('a record with another token is output, not a refusal: the script counts as cut off, every change attempted', async () => {
    const outcome = await applyChanges(
      hostAnswering(() => ({
        stdout: '@@cf 0123456789abcdef stale x\n',
        stderr: '',
        exitCode: 98,
        signal: null,
        timedOut: false,
        durationMs: 0,
      })),
      changes,
      '',
    );
    assert.equal(outcome.ok, false);
    assert.deepEqual(outcome.attempted, changes);
    assert.match(outcome.error ?? '', /^apply script ended early with status 98/);
  });
});
