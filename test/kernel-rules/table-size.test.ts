import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kubeProxyMax, roundUpBuckets } from '../../src/kernel/table-size.js';

describe('roundUpBuckets: whole pages of 512 bucket heads', () => {
  const cases: [number, number][] = [
    [1, 512],
    [512, 512],
    [513, 1024],
    [65536, 65536],
    [100000, 100352],
  ];
  for (const [size, want] of cases) it(`${size} → ${want}`, () => assert.equal(roundUpBuckets(size), want));
});

describe('kubeProxyMax: max(per CPU × CPUs, min)', () => {
  const cases: [number, number | undefined, number | undefined, number][] = [
    [1, undefined, undefined, 131072],
    [4, undefined, undefined, 131072],
    [16, undefined, undefined, 524288],
    [8, 65536, 0, 524288],
    [2, 1000, 5000, 5000],
  ];
  for (const [cpus, perCpu, min, want] of cases)
    it(`${cpus} CPUs, ${perCpu ?? 'default'}/CPU, min ${min ?? 'default'} → ${want}`, () =>
      assert.equal(kubeProxyMax(cpus, perCpu, min), want));
});
