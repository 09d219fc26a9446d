import assert from 'node:assert/strict';
import { test } from 'node:test';
import { positionAtPath, positionOfKeyAtPath } from '../../src/config/node-position.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { yamlLines } from './input-error-assert.js';

const source = parseYamlSource(
  'pb.yaml',
  yamlLines(
    'hosts: all', //                      line 1
    'steps:', //                          line 2
    '  - check_count: {}', //             line 3
    '  - raise_max:', //                  line 4
    '      value: 262144', //             line 5
    '  - raise_max: {value: auto}', //    line 6
    'anchor: &a {x: 1}', //               line 7
    'alias: *a', //                       line 8
  ),
);

const cases: Array<{ path: PropertyKey[]; at: string; key?: string }> = [
  { path: [], at: '1:1' },
  { path: ['hosts'], at: '1:8', key: '1:1' },
  { path: ['steps', 0], at: '3:5' },
  { path: ['steps', 1, 'raise_max', 'value'], at: '5:14', key: '5:7' },
  { path: ['steps', 2, 'raise_max', 'value'], at: '6:24', key: '6:17' },
  // Missing parts fall back to the deepest node that exists.
  { path: ['steps', 1, 'raise_max', 'per_cpu'], at: '5:7' },
  { path: ['steps', 9], at: '3:3' },
  { path: ['alias', 'x'], at: '7:16', key: '7:13' },
];

for (const { path, at, key } of cases) {
  test(`position of ${JSON.stringify(path)} is ${at}`, () => {
    const p = positionAtPath(source, path);
    assert.equal(`${p.line}:${p.col}`, at);
    assert.equal(p.file, 'pb.yaml');
    if (key) {
      const k = positionOfKeyAtPath(source, path);
      assert.equal(`${k.line}:${k.col}`, key);
    }
  });
}

test('an empty document maps every path to 1:1', () => {
  const empty = parseYamlSource('e.yaml', '');
  assert.deepEqual(positionAtPath(empty, ['a', 0]), { file: 'e.yaml', line: 1, col: 1 });
});
