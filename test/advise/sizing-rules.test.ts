import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasChainLimit, parseKernelVersion } from '../../src/advise/kernel-version.js';
import {
  bucketAdvice,
  demandFactor,
  kubeProxyFactor,
  memoryVerdict,
  roundUpMax,
} from '../../src/advise/sizing-rules.js';

const gib = 1024 ** 3;

describe('parseKernelVersion / hasChainLimit', () => {
  const cases = [
    { release: '6.1.0-18-amd64', version: { major: 6, minor: 1 }, limit: true },
    { release: '5.15.0-91-generic', version: { major: 5, minor: 15 }, limit: true },
    { release: '5.14.21-150400.24-default', version: { major: 5, minor: 14 }, limit: false },
    { release: '4.14.0-kvm', version: { major: 4, minor: 14 }, limit: false },
    { release: '3.10.0-1160.el7.x86_64', version: { major: 3, minor: 10 }, limit: false },
    { release: '', version: null, limit: null },
  ];
  for (const c of cases) {
    it(`${c.release || '(empty)'}`, () => {
      const version = parseKernelVersion(c.release);
      assert.deepEqual(version, c.version);
      if (version) assert.equal(hasChainLimit(version), c.limit);
    });
  }
});

describe('demandFactor and roundUpMax', () => {
  it('count × headroom, rounded up by the caller to 64 Ki steps (never below one step)', () => {
    assert.equal(demandFactor(60000, 2).entries, 120000);
    assert.equal(demandFactor(1001, 1.5).entries, 1502);
    assert.match(demandFactor(60000, 2).line, /^demand: highest count seen 60000 \(now\) × headroom 2 = 120000$/);
    assert.equal(demandFactor(null, 2).entries, null);
    assert.equal(roundUpMax(120000), 131072);
    assert.equal(roundUpMax(131072), 131072);
    assert.equal(roundUpMax(1), 65536);
  });
});

describe('kubeProxyFactor: max(131072, 32768 × CPUs) when kube-proxy or NAT rules', () => {
  const cases = [
    { cpus: 2, kube: true, nat: false, entries: 131072 },
    { cpus: 8, kube: true, nat: false, entries: 262144 },
    { cpus: 16, kube: false, nat: true, entries: 524288 },
    { cpus: 16, kube: false, nat: false, entries: null },
  ];
  for (const c of cases) {
    it(`${c.cpus} CPUs, kube-proxy ${c.kube}, NAT ${c.nat}: ${c.entries ?? 'not applied'}`, () => {
      assert.equal(kubeProxyFactor(c.cpus, c.kube, c.nat).entries, c.entries);
    });
  }
});

describe('bucketAdvice: kernel variants', () => {
  const cases = [
    {
      kernel: '6.18.44',
      max: 262144,
      buckets: 262144,
      expr: 'max',
      says: /6\.18 ≥ 5\.15: buckets = max = 262144.*= 2\.0/,
    },
    { kernel: '5.15.0-91-generic', max: 131072, buckets: 131072, expr: 'max', says: /chaintoolong/ },
    {
      kernel: '5.4.0-150-generic',
      max: 131072,
      buckets: 32768,
      expr: 'max/4',
      says: /5\.4 < 5\.15 assumes the classic max\/4: buckets = 32768/,
    },
    { kernel: '4.14.0-kvm', max: 65536, buckets: 16384, expr: 'max/4', says: /no chain length limit/ },
    { kernel: 'weird', max: 65536, buckets: 65536, expr: 'max', says: /version unknown: assuming ≥ 5\.15/ },
  ] as const;
  for (const c of cases) {
    it(`${c.kernel}: max ${c.max} → buckets ${c.buckets} (${c.expr})`, () => {
      const advice = bucketAdvice(c.max, parseKernelVersion(c.kernel));
      assert.equal(advice.buckets, c.buckets);
      assert.equal(advice.expr, c.expr);
      assert.match(advice.line, c.says);
    });
  }
});

describe('memoryVerdict: entries × slab size + 8 B per bucket, capped at a share of RAM', () => {
  const cases = [
    {
      name: 'fits: 262144 × 320 B + 262144 × 8 B = 82 MiB of 4 GiB (2.0 %)',
      entryBytes: 320,
      mem: 4 * gib,
      refused: false,
      says: /= 82 MiB = 2\.0 % of RAM 4 GiB \(cap 5 %\)/,
    },
    {
      name: 'slabinfo unreadable: 320 B assumed and said',
      entryBytes: null,
      mem: 4 * gib,
      refused: false,
      says: /320 B \(default, \/proc\/slabinfo unreadable\)/,
    },
    {
      name: 'refused above 5 % of 1 GiB, with what fits',
      entryBytes: 320,
      mem: 1 * gib,
      refused: true,
      says: /2\.0 GiB|8\.0 %/,
    },
    {
      name: 'MemTotal unknown: not checked, not refused',
      entryBytes: 320,
      mem: null,
      refused: false,
      says: /MemTotal unknown/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const verdict = memoryVerdict(262144, 262144, c.entryBytes, c.mem, 5);
      assert.match(verdict.line, c.says);
      assert.equal(verdict.refusal !== null, c.refused);
      if (c.refused)
        assert.match(verdict.refusal ?? '', /more than 5 % of RAM \(51\.2 MiB\); at most 163680 entries fit/);
    });
  }
});
