import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeKnobChange } from '../../src/changes/knob-change.js';
import { ConnectError, type HostErrorKind } from '../../src/errors.js';
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
      assert.equal(outcome.errorKind, 'apply');
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

describe('applyChanges: the error kind of a failed step', () => {
  const maxPath = '/proc/sys/net/netfilter/nf_conntrack_max';
  const answer =
    (records: (t: string) => string, fields: Partial<ExecResult> = {}) =>
    (t: string): ExecResult => ({
      stdout: records(t),
      stderr: '',
      exitCode: 1,
      signal: null,
      timedOut: false,
      durationMs: 0,
      ...fields,
    });
  const cases: { name: string; host: Connection; kind: HostErrorKind | null; error: RegExp }[] = [
    {
      name: 'the kernel refused the write (EINVAL)',
      host: hostAnswering(
        answer((t) => `@@cf ${t} failed 0 1 tee: ${maxPath}: Invalid argument\n@@cf ${t} read 0 knob value 1\n`),
      ),
      kind: 'kernel-refused',
      error: /write failed: Invalid argument/,
    },
    {
      name: 'written, but read back otherwise',
      host: hostAnswering(
        answer((t) => `@@cf ${t} applied 0\n@@cf ${t} read 0 knob value 1\n@@cf ${t} end ok\n`, { exitCode: 0 }),
      ),
      kind: 'verify-mismatch',
      error: /read back 1, expected 2/,
    },
    {
      name: 'killed at its time limit before it ended',
      host: hostAnswering(
        answer((t) => `@@cf ${t} applied 0\n`, {
          exitCode: null,
          timedOut: true,
          stderr: '[conntrack-fleet: timed out after 120000 ms; sent KILL and closed the channel]',
        }),
      ),
      kind: 'timeout',
      error: /^apply script cut off \(timeout or lost connection\): .*timed out after 120000 ms/,
    },
    {
      name: 'ended early by a signal, no timeout',
      host: hostAnswering(answer((t) => `@@cf ${t} applied 0\n`, { exitCode: null, signal: 'KILL' })),
      kind: 'apply',
      error: /^apply script cut off/,
    },
    {
      name: 'the connection dropped while it ran',
      host: {
        ...hostAnswering(answer(() => '')),
        runScript: () => Promise.reject(new ConnectError('connection-lost', 'h: connection lost: reset')),
      },
      kind: 'connection-lost',
      error: /^connection lost while applying: h: connection lost: reset$/,
    },
    {
      name: 'applied and read back as planned',
      host: hostAnswering(
        answer((t) => `@@cf ${t} applied 0\n@@cf ${t} read 0 knob value 2\n@@cf ${t} end ok\n`, { exitCode: 0 }),
      ),
      kind: null,
      error: /^$/,
    },
  ];
  for (const c of cases) {
    it(`${c.name} → ${c.kind ?? 'ok'}`, async () => {
      const outcome = await applyChanges(c.host, changes, '');
      assert.deepEqual([outcome.ok, outcome.errorKind], [c.kind === null, c.kind]);
      assert.match(outcome.error ?? '', c.error);
    });
  }
});
