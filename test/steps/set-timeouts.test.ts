import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timeoutPath } from '../../src/facts/types.js';
import { planSetTimeouts } from '../../src/steps/set-timeouts.js';
import { absentConntrack, builtin618 } from '../fixtures/steps/facts.js';
import { contextOf, spec } from '../fixtures/steps/playbook.js';

describe('set_timeouts plan', () => {
  it('changes only the values that differ and carries all of them for persist', () => {
    const step = spec.setTimeouts({
      tcp_timeout_established: 86400,
      udp_timeout: 30,
      nf_conntrack_tcp_timeout_close_wait: 30,
    });
    const { plan, context } = planSetTimeouts(step, contextOf(builtin618()));
    assert.deepEqual(plan.changes, [
      {
        kind: 'knob',
        key: 'nf_conntrack_tcp_timeout_close_wait',
        path: timeoutPath('tcp_timeout_close_wait'),
        before: '60',
        after: '30',
      },
      {
        kind: 'knob',
        key: 'nf_conntrack_tcp_timeout_established',
        path: timeoutPath('tcp_timeout_established'),
        before: '432000',
        after: '86400',
      },
    ]);
    assert.deepEqual(context.targetTimeouts, {
      tcp_timeout_established: 86400,
      udp_timeout: 30,
      tcp_timeout_close_wait: 30,
    });
  });

  it('is a no-op when every value is already set', () => {
    const { plan } = planSetTimeouts(spec.setTimeouts({ udp_timeout: 30 }), contextOf(builtin618()));
    assert.deepEqual(plan.changes, []);
    assert.equal(plan.refusal, undefined);
  });

  it('refuses an unknown name and lists the valid ones', () => {
    const { plan, context } = planSetTimeouts(spec.setTimeouts({ tcp_timeout_forever: 1 }), contextOf(builtin618()));
    assert.match(
      plan.refusal ?? '',
      /unknown timeout tcp_timeout_forever; this kernel has: generic_timeout, icmp_timeout, .*udp_timeout_stream/,
    );
    assert.deepEqual(context.targetTimeouts, {});
  });

  it('refuses when nf_conntrack is absent', () => {
    assert.match(
      planSetTimeouts(spec.setTimeouts({ udp_timeout: 10 }), contextOf(absentConntrack())).plan.refusal ?? '',
      /not loaded/,
    );
  });

  it('warns that kube-proxy resets the established timeout', () => {
    const facts = Object.assign(builtin618(), { kubeProxy: true });
    const { plan } = planSetTimeouts(spec.setTimeouts({ tcp_timeout_established: 86400 }), contextOf(facts));
    assert.ok(plan.warnings.some((w) => w.includes('kube-proxy') && w.includes('tcp_timeout_established')));
  });
});
