import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createScreen, eraseLines } from '../../src/report/tree-screen.js';
import { createCapture } from './capture.fixture.js';

function screenOn(columns: number) {
  const capture = createCapture({ isTTY: true, columns });
  const writes: string[] = [];
  const write = capture.stream.write.bind(capture.stream) as (chunk: string) => boolean;
  capture.stream.write = ((chunk: string) => {
    writes.push(chunk);
    return write(chunk);
  }) as typeof capture.stream.write;
  return { screen: createScreen(capture.stream), writes };
}

describe('tree screen (in-place frames)', () => {
  it('replaces the last frame by erasing exactly its lines; an identical frame is not written again', () => {
    const { screen, writes } = screenOn(80);
    screen.draw(['a', 'b', 'c']);
    screen.draw(['a', 'b', 'c']);
    screen.draw(['x']);
    assert.deepEqual(writes, ['\x1b[?25la\nb\nc\n', `${eraseLines(3)}x\n`]);
    assert.equal(eraseLines(2), '\x1b[2K\x1b[1A\x1b[2K\x1b[1A\x1b[2K\x1b[G');
  });

  it('cuts every line to the width, so one line is one terminal row', () => {
    const { screen, writes } = screenOn(20);
    screen.draw([
      '✖ web1 — unreachable: connect timed out after 10000 ms',
      'short',
      '✔ 日本語のホスト名が長い場合のテストです',
    ]);
    const rows = (writes[0] ?? '').replace('\x1b[?25l', '').trimEnd().split('\n');
    assert.deepEqual(rows.slice(0, 2), ['✖ web1 — unreachab…', 'short']);
    assert.ok(
      rows.every((row) => row.length <= 19),
      rows.join('\n'),
    );
    assert.ok((rows[2] ?? '').endsWith('…'), 'wide characters are counted as two columns');
  });

  it('close erases the live frame, prints the final lines in full and shows the cursor again', () => {
    const { screen, writes } = screenOn(20);
    screen.draw(['a', 'b']);
    screen.close(['a line longer than the twenty columns', 'done']);
    assert.deepEqual(writes.slice(1), [`${eraseLines(2)}a line longer than the twenty columns\ndone\n`, '\x1b[?25h']);
  });
});
