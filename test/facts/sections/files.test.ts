import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitGatherOutput } from '../../../src/facts/gather-frame.js';
import { readFiles } from '../../../src/facts/sections/files.js';
import { section } from './blocks.js';

test('files: present, absent, unknown (never confused with absent), missing section', () => {
  const frame = splitGatherOutput(
    [
      section('file 0', ['meta 644 0 0', 'base64 QQo=']),
      section('file 1', ['absent']),
      section('file 2', ['unreadable']),
    ].join('\n'),
  );
  const problems: string[] = [];
  const files = readFiles(frame, { files: ['/a', '/b', '/c', '/d'] }, problems);
  assert.deepEqual(files, { '/a': { contentBase64: 'QQo=', mode: 0o644, uid: 0, gid: 0 }, '/b': null });
  assert.deepEqual(problems, ['/c cannot be read', '/d was not read']);
});
