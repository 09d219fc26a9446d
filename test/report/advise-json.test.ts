/** advise -o json: snake_case keys at every depth, the peak's time as ISO 8601, null for what a host lacks. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toAdviseJson } from '../../src/report/advise-json.js';
import type { AdviseResult } from '../../src/runner/advise-hosts.js';

const advised: AdviseResult = {
  host: 'web1',
  reachable: true,
  error: null,
  advice: {
    current: { count: 100, max: 65536, buckets: 16384, timeouts: { tcp_timeout_established: 432000 } },
    max: 131072,
    buckets: 32768,
    bucketsExpr: 'max/4',
    timeouts: { tcp_timeout_established: 3600 },
    reasons: ['demand: …'],
    refusal: null,
    peak: { count: 50000, atSeconds: 1_700_000_000, source: 'check', ageSeconds: 120, used: true },
  },
};

function keysOf(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => keysOf(v, into));
  else if (value && typeof value === 'object')
    for (const [key, inner] of Object.entries(value)) {
      // timeouts are keyed by kernel knob names (already snake_case); recurse into them all the same
      into.push(key);
      keysOf(inner, into);
    }
  return into;
}

describe('toAdviseJson', () => {
  it('uses snake_case keys only', () => {
    const keys = keysOf(toAdviseJson([advised]));
    assert.ok(keys.includes('buckets_expr') && keys.includes('age_seconds'));
    assert.deepEqual(
      keys.filter((k) => /[A-Z]/.test(k)),
      [],
    );
  });

  it('gives the peak with its time as ISO 8601, and null when there is none or the host was not read', () => {
    const [json] = toAdviseJson([advised]);
    assert.deepEqual(json?.advice?.peak, {
      count: 50000,
      at: '2023-11-14T22:13:20.000Z',
      source: 'check',
      age_seconds: 120,
      used: true,
    });
    const { peak: _peak, ...noPeak } = advised.advice!;
    assert.equal(toAdviseJson([{ ...advised, advice: noPeak }])[0]?.advice?.peak, null);
    const unread = toAdviseJson([{ host: 'db1', reachable: false, error: 'connect ECONNREFUSED', advice: null }]);
    assert.deepEqual(unread, [{ host: 'db1', reachable: false, error: 'connect ECONNREFUSED', advice: null }]);
  });

  it('gives error_kind on a host without advice (as check -o json), none on an advised host', () => {
    const [unread] = toAdviseJson([
      { host: 'db1', reachable: false, error: 'host key not in …', errorKind: 'host-key-unknown', advice: null },
    ]);
    assert.equal(unread?.error_kind, 'host-key-unknown');
    assert.equal('error_kind' in (toAdviseJson([advised])[0] ?? {}), false);
  });
});
