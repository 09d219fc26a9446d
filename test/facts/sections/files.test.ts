import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFiles } from '../../../src/facts/sections/files.js';
import { frameOf, gatherFixture } from '../gather-fixture.js';

const g = gatherFixture();

test('files: present, absent, unknown (never confused with absent), missing section', () => {
  const frame = frameOf([
    ...g.block('file 0', ['meta 644 0 0', 'base64 QQo=']),
    ...g.block('file 1', ['absent']),
    ...g.block('file 2', ['unreadable']),
  ]);
  const problems: string[] = [];
  const files = readFiles(frame, { files: ['/a', '/b', '/c', '/d'] }, problems);
  assert.deepEqual(files, { '/a': { contentBase64: 'QQo=', mode: 0o644, uid: 0, gid: 0 }, '/b': null });
  assert.deepEqual(problems, ['/c cannot be read', '/d was not read']);
});
