/**
 * cf_flush (src/remote/gather.sh): with cf_stat_later=1 the file blocks and the knob modes wait for ONE stat; a file
 * gone before it falls back to a stat per path, so every other block keeps its real mode and owner. Run under dash,
 * bash and busybox, as the gather is.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { splitGatherOutput } from '../../src/facts/gather-frame.js';
import { gatherFunctions } from '../../src/facts/gather-script.js';
import { parseModes } from '../../src/facts/sections/knobs.js';
import { parseFileSection } from '../../src/facts/parse-file-section.js';
import { newRecordToken, recordHeader } from '../../src/remote/records.js';
import { quoteShell } from '../../src/transport/quote.js';
import { hasCommand, runScriptLocally } from './local-shell.js';

const root = mkdtempSync(join(tmpdir(), 'cf-flush-'));
after(() => rmSync(root, { recursive: true, force: true }));

const shells = [
  ['dash', '-s'],
  ['bash', '-s'],
  ['busybox', 'sh', '-s'],
].filter(([shell]) => hasCommand(shell ?? ''));

const cases = [
  { name: 'every path there: one stat', removeSecond: false },
  { name: 'a file removed before the flush: a stat per path', removeSecond: true },
];

for (const argv of shells) {
  for (const { name, removeSecond } of cases) {
    test(`${argv[0]}: ${name}`, async () => {
      const dir = mkdtempSync(join(root, `${argv[0]}-`));
      const [a, b, knob] = ['a.conf', 'b conf', 'knob'].map((file) => join(dir, file)) as [string, string, string];
      writeFileSync(a, 'net.netfilter.nf_conntrack_max = 1\n');
      writeFileSync(b, 'second\n');
      writeFileSync(knob, '65536\n');
      chmodSync(a, 0o640);
      chmodSync(knob, 0o444);
      const token = newRecordToken();
      const script = [
        recordHeader(token),
        gatherFunctions,
        '{',
        'cf_stat_later=1',
        `cf_stat_knobs=${quoteShell(knob)}`,
        `cf_file 0 ${quoteShell(a)}`,
        `cf_file 1 ${quoteShell(b)}`,
        removeSecond ? `rm -f ${quoteShell(b)}` : '',
        'cf_flush',
        '} 5>&1',
      ].join('\n');
      const result = await runScriptLocally(script, argv);
      assert.equal(result.exitCode, 0, result.stderr);
      const frame = splitGatherOutput(result.stdout, token);
      const block = (arg: string) => frame.sections.find((s) => s.name === 'file' && s.arg === arg)?.lines ?? [];
      const first = parseFileSection(block('0'));
      assert.equal(first.kind, 'present');
      if (first.kind === 'present') {
        assert.equal(first.state.mode, 0o640);
        assert.equal(first.state.uid, statSync(a).uid);
        assert.equal(
          Buffer.from(first.state.contentBase64, 'base64').toString(),
          'net.netfilter.nf_conntrack_max = 1\n',
        );
      }
      const second = parseFileSection(block('1'));
      if (removeSecond) assert.deepEqual(block('1'), ['no-stat']);
      else assert.equal(second.kind === 'present' && second.state.mode, 0o644 & ~process.umask());
      const modes = frame.sections.find((s) => s.name === 'knob-modes');
      assert.equal(parseModes(modes?.lines.join('\n') ?? '').get(knob), '-r--r--r--');
    });
  }
}
