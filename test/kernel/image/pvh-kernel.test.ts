import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasPvhNote } from './pvh-kernel.js';

describe('PVH kernel note', () => {
  it('finds XEN_ELFNOTE_PHYS32_ENTRY among the Xen notes of vmlinux', () => {
    const notes = [
      'Displaying notes found in: .notes',
      '  Owner                Data size \tDescription',
      '  Xen                  0x00000006\tUnknown note type: (0x00000006)\t   description data: 6c 69 6e 75 78 00',
      '  Xen                  0x00000008\tUnknown note type: (0x00000012)\t   description data: 50 08 00 01 00 00 00 00',
    ].join('\n');
    assert.equal(hasPvhNote(notes), true);
    assert.equal(hasPvhNote(notes.split('\n').slice(0, 3).join('\n')), false);
    assert.equal(hasPvhNote(''), false);
  });
});
