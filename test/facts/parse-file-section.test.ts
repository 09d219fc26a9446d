import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type FileReading, parseFileSection } from '../../src/facts/parse-file-section.js';

const bytes = Buffer.from([0, 1, 2, 0xff, 0x0a, 0x41]);

const cases: Array<[string, string[], FileReading['kind'], unknown?]> = [
  ['absent', ['absent'], 'absent'],
  ['unreadable', ['unreadable'], 'unknown'],
  ['a directory', ['not-a-file'], 'unknown'],
  ['stat failed', ['no-stat'], 'unknown'],
  [
    'base64 content',
    ['meta 640 0 4', `base64 ${bytes.toString('base64')}`],
    'present',
    { contentBase64: bytes.toString('base64'), mode: 0o640, uid: 0, gid: 4 },
  ],
  [
    'od hex fallback',
    ['meta 4755 10 20', `hex ${bytes.toString('hex')}`],
    'present',
    { contentBase64: bytes.toString('base64'), mode: 0o4755, uid: 10, gid: 20 },
  ],
  ['empty file', ['meta 644 0 0', 'base64 '], 'present', { contentBase64: '', mode: 0o644, uid: 0, gid: 0 }],
  ['broken base64', ['meta 644 0 0', 'base64 @@@'], 'unknown'],
  ['no meta', ['base64 QQ=='], 'unknown'],
  ['nothing', [], 'unknown'],
];

for (const [name, lines, kind, state] of cases) {
  test(name, () => {
    const reading = parseFileSection(lines);
    assert.equal(reading.kind, kind);
    if (state) assert.deepEqual(reading.kind === 'present' ? reading.state : null, state);
  });
}
