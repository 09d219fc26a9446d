/** compare-gather.ts: the bench row sends each host exactly the script `check` sends (checkHosts, its peak request). */
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { checkPeakRequest } from '../../src/cli/check.js';
import { checkHosts } from '../../src/runner/check-hosts.js';
import { localConnection, localTarget } from '../facts/local-connection.js';
import { checkGatherScript } from './compare-gather.js';

/** The script checkHosts sends one host at `nowMs` (the connection answers nothing: the read fails, unseen). */
async function scriptCheckSends(nowMs: number): Promise<string> {
  const connection = localConnection([], {
    stdout: '',
    stderr: '',
    exitCode: 0,
    signal: null,
    timedOut: false,
    durationMs: 0,
  });
  await checkHosts({
    targets: [localTarget],
    forks: 1,
    open: async () => connection,
    alarms: { failAbovePercent: 90 },
    peak: checkPeakRequest(true, nowMs),
    isInterrupted: () => false,
    onResult: mock.fn(),
  });
  assert.equal(connection.scripts.length, 1);
  return connection.scripts[0] ?? '';
}

describe('checkGatherScript', () => {
  it('is the script check sends a host, record token and all', async () => {
    const nowMs = Date.UTC(2026, 10, 30, 9, 30);
    const sent = await scriptCheckSends(nowMs);
    const token = /^cf_tok=([0-9a-f]{16})\n/.exec(sent)?.[1];
    assert.ok(token, 'the script starts with its record token');
    assert.equal(checkGatherScript(nowMs, token), sent);
  });

  it('keeps the peak file at the given time, as check does by default', () => {
    const script = checkGatherScript(Date.UTC(2026, 10, 30, 9, 30), '0123456789abcdef');
    assert.match(script, /\ncf_peak \S+ keep \S+ 1796031000 check\n/);
    assert.match(script, /\ncf_rules\n/);
  });
});
