import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findMissing, parseNeeded } from './elf-check.js';

const readelf = `
File: /r/usr/sbin/sshd

Dynamic section at offset 0x7c5d8 contains 33 entries:
  Tag        Type                         Name/Value
 0x0000000000000001 (NEEDED)             Shared library: [libcrypt.so.1]
 0x0000000000000001 (NEEDED)             Shared library: [libc.so.6]
 0x000000000000000c (INIT)               0x9000

File: /r/usr/bin/busybox

There is no dynamic section in this file.
`;

describe('ELF NEEDED check', () => {
  it('reads NEEDED per file; static files need nothing', () => {
    assert.deepEqual(
      [...parseNeeded(readelf)],
      [
        ['/r/usr/sbin/sshd', ['libcrypt.so.1', 'libc.so.6']],
        ['/r/usr/bin/busybox', []],
      ],
    );
  });

  it('names each missing soname with the file needing it', () => {
    assert.deepEqual(findMissing(parseNeeded(readelf), new Set(['libc.so.6'])), [
      '/r/usr/sbin/sshd needs libcrypt.so.1',
    ]);
  });
});
