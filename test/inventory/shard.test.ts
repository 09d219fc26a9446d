import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors.js';
import { fnv1a32, parseShard, selectShard, shardOf } from '../../src/inventory/shard.js';

describe('shard', () => {
  it('fnv1a32 matches the reference vectors', () => {
    assert.equal(fnv1a32(''), 0x811c9dc5);
    assert.equal(fnv1a32('a'), 0xe40c292c);
    assert.equal(fnv1a32('foobar'), 0xbf9cf968);
  });

  it('every host is in exactly one of N slices, and slices are roughly even', () => {
    const hosts = Array.from({ length: 1000 }, (_, i) => ({ name: `web${i}.example.com` }));
    const slices = [1, 2, 3, 4].map((index) => selectShard(hosts, { index, count: 4 }));
    assert.equal(
      slices.reduce((n, s) => n + s.length, 0),
      1000,
    );
    assert.equal(new Set(slices.flat().map((h) => h.name)).size, 1000);
    for (const slice of slices) assert.ok(slice.length > 200 && slice.length < 300, `slice of ${slice.length}`);
  });

  it('a host keeps its slice when other hosts join or leave', () => {
    const before = Array.from({ length: 50 }, (_, i) => ({ name: `h${i}` }));
    const after = [...before.slice(10), ...Array.from({ length: 30 }, (_, i) => ({ name: `new${i}` }))];
    for (const host of after.filter((h) => h.name.startsWith('h')))
      assert.equal(shardOf(host.name, 3), shardOf(host.name, 3));
    const inSlice = (list: { name: string }[]) => new Set(selectShard(list, { index: 2, count: 3 }).map((h) => h.name));
    const kept = [...inSlice(before)].filter((name) => after.some((h) => h.name === name));
    for (const name of kept) assert.ok(inSlice(after).has(name), name);
  });

  const cases: {
    text: string;
    env?: Record<string, string>;
    expected?: { index: number; count: number };
    error?: RegExp;
  }[] = [
    { text: '1/4', expected: { index: 1, count: 4 } },
    { text: '4/4', expected: { index: 4, count: 4 } },
    { text: ' 2 / 3 ', expected: { index: 2, count: 3 } },
    { text: 'index/4', env: { JOB_COMPLETION_INDEX: '0' }, expected: { index: 1, count: 4 } },
    { text: 'index/4', env: { JOB_COMPLETION_INDEX: '3' }, expected: { index: 4, count: 4 } },
    { text: 'index/4', env: { JOB_COMPLETION_INDEX: '4' }, error: /JOB_COMPLETION_INDEX is "4"; expected 0-3/ },
    { text: 'index/4', env: {}, error: /JOB_COMPLETION_INDEX is not set/ },
    { text: '0/4', error: /I must be 1-4/ },
    { text: '5/4', error: /I must be 1-4/ },
    { text: '1/0', error: /is not I\/N/ },
    { text: '2', error: /is not I\/N/ },
    { text: 'a/b', error: /is not I\/N/ },
  ];
  for (const c of cases) {
    it(`parseShard("${c.text}")${c.env ? ` with ${JSON.stringify(c.env)}` : ''}`, () => {
      if (c.expected) assert.deepEqual(parseShard(c.text, c.env ?? {}), c.expected);
      else
        assert.throws(
          () => parseShard(c.text, c.env ?? {}),
          (e: unknown) => e instanceof InputError && c.error!.test(e.message),
        );
    });
  }
});
