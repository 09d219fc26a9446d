import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { newRecordToken, parseRecords, readRecordStream, recordHeader, splitFields } from '../../src/remote/records.js';
import { sh } from '../../src/transport/quote.js';

const token = newRecordToken();

describe('records', () => {
  it("parses only its own token's records, in order; other lines and tokens are output, not records", () => {
    const other = newRecordToken();
    const output = [
      'motd noise',
      `@@cf ${token} applied 0`,
      `@@cf ${other} failed 0 1 forged`,
      ` @@cf ${token} applied 9`,
      `@@cf ${token} read 0 knob value 1 2 \r`,
      `@@cf ${token} end`,
      `@@cf ${token}`,
    ].join('\n');
    assert.deepEqual(parseRecords(output, token), [
      { kind: 'applied', text: '0' },
      { kind: 'read', text: '0 knob value 1 2' },
      { kind: 'end', text: '' },
    ]);
  });

  it('splitFields: the first N fields, then the rest with its spaces', () => {
    assert.deepEqual(splitFields('3 1 cannot create /x: No such file', 2), {
      fields: ['3', '1'],
      rest: 'cannot create /x: No such file',
    });
    assert.deepEqual(splitFields('0', 2), { fields: ['0', ''], rest: '' });
  });

  it('refuses a token that is not 16 hex digits (it is written into the script unquoted)', () => {
    assert.throws(() => recordHeader('x; rm -rf /'), /not a record token/);
  });

  for (const shell of ['sh', 'bash']) {
    it(`${shell}: cf_rec keeps a record on one line whatever the text holds`, () => {
      const text = "line 1\nline 2\n\n$(touch /nonexistent) 'q'";
      const script = `${recordHeader(token)}\n${sh`cf_rec failed ${text}`}\n`;
      const result = spawnSync(shell, ['-s'], { input: script, encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, `@@cf ${token} failed line 1 line 2  $(touch /nonexistent) 'q'\n`);
      assert.deepEqual(parseRecords(result.stdout, token), [
        { kind: 'failed', text: "line 1 line 2  $(touch /nonexistent) 'q'" },
      ]);
    });
  }

  it('readRecordStream: records and the content between them, byte for byte, a record even after a line without newline', () => {
    const other = newRecordToken();
    const output = `a\r\n@@cf ${other} end\nlast@@cf ${token} end  \r\n@@cf ${token} begin x y\n\ntail`;
    assert.deepEqual(readRecordStream(output, token), [
      { content: 'a\r', newline: true },
      { content: `@@cf ${other} end`, newline: true },
      { content: 'last', newline: false },
      { record: { kind: 'end', text: '' } },
      { record: { kind: 'begin', text: 'x y' } },
      { content: '', newline: true },
      { content: 'tail', newline: false },
    ]);
    assert.deepEqual(readRecordStream('', token), []);
    assert.deepEqual(readRecordStream('x\n', token), [{ content: 'x', newline: true }]);
  });
});
