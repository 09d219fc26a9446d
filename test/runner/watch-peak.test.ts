import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { watchHost } from '../../src/runner/watch-hosts.js';
import type { TimedSample } from '../../src/facts/sample-rates.js';
import type { Connection, ExecResult } from '../../src/transport/connection.js';
import { localTarget } from '../facts/local-connection.js';
import { sampleReply } from '../facts/sample-fixture.js';

const reply = (stdout: string): ExecResult => ({
  stdout,
  stderr: '',
  exitCode: 0,
  signal: null,
  timedOut: false,
  durationMs: 0,
});

/** Runs watchHost over a connection that records each script and answers from `replies` in turn (count 1 after). */
async function watchScripts(
  keepPeak: boolean | undefined,
  replies: Array<(script: string) => { stdout: string }>,
): Promise<{ scripts: string[]; recorded: TimedSample[] }> {
  const scripts: string[] = [];
  const recorded: TimedSample[] = [];
  const connection: Connection = {
    target: localTarget,
    runScript: (script) => {
      scripts.push(script);
      return Promise.resolve(reply((replies.shift() ?? sampleReply(1, 100))(script).stdout));
    },
    hold: () => Promise.reject(new Error('not used')),
    close: async () => undefined,
    onLost: () => undefined,
  };
  await watchHost(localTarget, {
    open: async () => connection,
    intervalMs: 1,
    samples: 3,
    signal: new AbortController().signal,
    record: (s) => recorded.push(s),
    ...(keepPeak !== undefined && { keepPeak }),
  });
  return { scripts, recorded };
}

describe('watchHost and the peak file', () => {
  it('keepPeak: only the first sample carries the fragment while no higher count is seen; its answer is recorded', async () => {
    const { scripts, recorded } = await watchScripts(true, [
      sampleReply(5, 100, { peak_stored: '9 1 check', peak_write: 'not-higher' }),
    ]);
    assert.deepEqual(
      scripts.map((s) => /^cf_peak /m.test(s)),
      [true, false, false],
    );
    assert.match(
      scripts[0] ?? '',
      /^cf_peak \/var\/lib\/conntrack-fleet\/journal\/peak keep \/proc\/sys\/net\/netfilter\/nf_conntrack_count \d+ watch$/m,
    );
    assert.equal(recorded[0]?.sample?.peak?.write, 'not-higher');
  });

  it('--no-peak (keepPeak false) and callers that do not ask: no sample carries it', async () => {
    for (const keep of [false, undefined]) {
      const { scripts } = await watchScripts(keep, []);
      assert.deepEqual(
        scripts.map((s) => s.includes('cf_peak')),
        [false, false, false],
      );
    }
  });
});
