import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConnectionSample } from '../../src/advise/connection-sample.js';
import { timeoutAdvice } from '../../src/advise/timeout-rules.js';
import { defaultTimeouts } from '../fixtures/steps/facts.js';

const tcp = (left: number, state: string) =>
  `ipv4     2 tcp      6 ${left} ${state} src=10.0.0.1 dst=10.0.0.2 sport=1 dport=80 src=10.0.0.2 dst=10.0.0.1 sport=80 dport=1 [ASSURED] mark=0 use=1`;
const udp = (left: number) =>
  `ipv4     2 udp      17 ${left} src=10.0.0.1 dst=10.0.0.53 sport=5353 dport=53 src=10.0.0.53 dst=10.0.0.1 sport=53 dport=5353 mark=0 use=1`;

describe('parseConnectionSample', () => {
  it('counts TCP states; ESTABLISHED idle ≥ 1 h when the time left is ≤ timeout − 3600', () => {
    const lines = [
      tcp(431999, 'ESTABLISHED'),
      tcp(428400, 'ESTABLISHED'),
      tcp(100, 'ESTABLISHED'),
      tcp(110, 'TIME_WAIT'),
      udp(25),
      'garbage',
      '',
    ];
    assert.deepEqual(parseConnectionSample(lines, 432000), {
      entries: 5,
      tcp: 4,
      timeWait: 1,
      established: 3,
      establishedIdle: 2,
      idleSeconds: 3600,
    });
    assert.equal(parseConnectionSample(lines, null).establishedIdle, 0, 'idle unknown without the timeout');
  });
});

describe('timeoutAdvice', () => {
  const sample = (entries: number, timeWait: number, establishedIdle: number) => ({
    entries,
    tcp: entries,
    timeWait,
    established: establishedIdle,
    establishedIdle,
    idleSeconds: 3600,
  });
  const cases = [
    { name: 'no /proc/net/nf_conntrack', sample: null, current: defaultTimeouts(), expect: {}, says: /not present/ },
    {
      name: 'too few entries to judge',
      sample: sample(50, 50, 0),
      current: defaultTimeouts(),
      expect: {},
      says: /only 50 entries/,
    },
    {
      name: 'TIME_WAIT dominates: 120 → 60',
      sample: sample(1000, 400, 0),
      current: defaultTimeouts(),
      expect: { tcp_timeout_time_wait: 60 },
      says: /TIME_WAIT holds 40 %/,
    },
    {
      name: 'idle ESTABLISHED dominates: 432000 → 86400',
      sample: sample(1000, 0, 300),
      current: defaultTimeouts(),
      expect: { tcp_timeout_established: 86400 },
      says: /idle ≥ 1 h holds 30 %/,
    },
    {
      name: 'both',
      sample: sample(1000, 300, 300),
      current: defaultTimeouts(),
      expect: { tcp_timeout_time_wait: 60, tcp_timeout_established: 86400 },
      says: /TIME_WAIT/,
    },
    {
      name: 'already low: kept',
      sample: sample(1000, 500, 500),
      current: { ...defaultTimeouts(), tcp_timeout_time_wait: 60, tcp_timeout_established: 3600 },
      expect: {},
      says: /kept/,
    },
    {
      name: 'neither dominates',
      sample: sample(1000, 100, 100),
      current: defaultTimeouts(),
      expect: {},
      says: /neither/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const advice = timeoutAdvice(c.sample, c.current);
      assert.deepEqual(advice.timeouts, c.expect);
      assert.match(advice.lines.join('\n'), c.says);
    });
  }
});
