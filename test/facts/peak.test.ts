import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { splitGatherOutput } from '../../src/facts/gather-frame.js';
import { buildGatherScript, gatherFunctions } from '../../src/facts/gather-script.js';
import { parseGatherOutput } from '../../src/facts/gather-output.js';
import {
  type PeakFact,
  parsePeakRecord,
  peakCall,
  peakFile,
  peakGatherSh,
  type PeakPaths,
  type PeakRequest,
  readPeakValues,
} from '../../src/facts/peak.js';
import { newRecordToken, recordHeader } from '../../src/remote/records.js';
import { journalDir } from '../../src/runner/journal.js';
import { hasCommand, isRoot, runScriptLocally } from './local-shell.js';

describe('parsePeakRecord', () => {
  const cases = [
    { line: '183442 1764470000 check', expect: { count: 183442, atSeconds: 1764470000, source: 'check' } },
    { line: '  7 1 watch\r', expect: { count: 7, atSeconds: 1, source: 'watch' } },
    { line: '', expect: null },
    { line: 'garbage', expect: null },
    { line: '12 34', expect: null },
    { line: '-5 1764470000 check', expect: null },
    { line: '1 2 check extra', expect: null },
    { line: '1 2 $(rm -rf /)', expect: null },
    { line: '1234567890123456 2 check', expect: null },
  ];
  for (const c of cases) it(JSON.stringify(c.line), () => assert.deepEqual(parsePeakRecord(c.line), c.expect));
});

describe("readPeakValues: the fragment's values as a PeakFact", () => {
  const record = { count: 500, atSeconds: 1000, source: 'check' };
  const cases: { name: string; values: Record<string, string>; expect: PeakFact | null }[] = [
    { name: 'fragment not run', values: {}, expect: null },
    {
      name: 'no file, read only',
      values: { peak_read: 'none' },
      expect: { stored: null, read: 'none', write: 'off', kept: null },
    },
    {
      name: 'a peak, read only',
      values: { peak_stored: '500 1000 check' },
      expect: { stored: record, read: 'ok', write: 'off', kept: record },
    },
    {
      name: 'not a peak line',
      values: { peak_stored: 'junk', peak_write: 'not-higher' },
      expect: { stored: null, read: 'invalid', write: 'not-higher', kept: null },
    },
    {
      name: 'a new peak written',
      values: { peak_stored: '500 1000 check', peak_write: 'wrote 900 2000 watch' },
      expect: { stored: record, read: 'ok', write: 'wrote', kept: { count: 900, atSeconds: 2000, source: 'watch' } },
    },
    {
      name: 'not higher: kept as it was',
      values: { peak_stored: '500 1000 check', peak_write: 'not-higher' },
      expect: { stored: record, read: 'ok', write: 'not-higher', kept: record },
    },
    {
      name: 'not writable',
      values: { peak_read: 'unreadable', peak_write: 'not-writable' },
      expect: { stored: null, read: 'unreadable', write: 'not-writable', kept: null },
    },
    {
      name: 'count unreadable',
      values: { peak_read: 'none', peak_write: 'no-count' },
      expect: { stored: null, read: 'none', write: 'no-count', kept: null },
    },
    {
      name: 'failed, with the message',
      values: { peak_stored: '500 1000 check', peak_write: 'failed mv: cannot move: Read-only file system' },
      expect: {
        stored: record,
        read: 'ok',
        write: 'failed',
        kept: record,
        error: 'mv: cannot move: Read-only file system',
      },
    },
    {
      name: 'an answer it does not know',
      values: { peak_read: 'none', peak_write: 'maybe' },
      expect: { stored: null, read: 'none', write: 'failed', kept: null, error: 'unexpected answer: maybe' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(
        readPeakValues((name) => c.values[name]),
        c.expect,
      );
    });
  }
});

describe('peakCall and the file', () => {
  it('lives in the journal directory', () => assert.equal(dirname(peakFile), journalDir));

  it('quotes every value; seen adds two arguments', () => {
    const call = peakCall(
      { mode: 'keep', source: 'watch', atSeconds: 12.7, seen: { count: 9, atSeconds: 3 } },
      { file: "/tmp/it's/peak", countFile: '/c' },
    );
    assert.equal(call, "cf_peak '/tmp/it'\\''s/peak' keep /c 12 watch 9 3");
  });

  it('a relative file is a programming error', () => {
    assert.throws(
      () => peakCall({ mode: 'read', source: 'check', atSeconds: 0 }, { file: 'peak', countFile: '/c' }),
      /not an absolute/,
    );
  });

  it('the gather includes the section only when asked (run, gate and restore never touch the file)', () => {
    assert.doesNotMatch(buildGatherScript({ files: [] }), /cf_peak/);
    assert.match(
      buildGatherScript({ files: [], peak: { mode: 'read', source: 'check', atSeconds: 0 } }),
      /^cf_peak \S+ read /m,
    );
  });
});

// the fragment itself, run by each shell a host may have, against a temp directory standing in for the journal's
const shells = [
  ['dash', '-s'],
  ['bash', '--posix', '-s'],
  ['busybox', 'sh', '-s'],
].filter(([shell]) => shell && hasCommand(shell));
const root = mkdtempSync(join(tmpdir(), 'peak-test-'));
chmodSync(root, 0o755);
after(() => rmSync(root, { recursive: true, force: true }));

function setup(name: string, count: string | null, stored?: string): PeakPaths {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  if (count !== null) writeFileSync(join(dir, 'count'), `${count}\n`);
  if (stored !== undefined) {
    mkdirSync(join(dir, 'journal'), { mode: 0o700 });
    writeFileSync(join(dir, 'journal', 'peak'), stored);
  }
  return { file: join(dir, 'journal', 'peak'), countFile: join(dir, 'count') };
}

async function runFragment(request: PeakRequest, paths: PeakPaths, argv: string[]) {
  // the fragment as the gather runs it: its values are the gather's `value` records
  const token = newRecordToken();
  const script = `${recordHeader(token)}\n${gatherFunctions}\n${peakGatherSh(request, paths)}\n`;
  const result = await runScriptLocally(script, argv);
  assert.equal(result.exitCode, 0, result.stderr);
  assert.equal(result.stderr, '');
  const { values } = splitGatherOutput(result.stdout, token);
  return readPeakValues((name) => (Object.hasOwn(values, name) ? values[name] : undefined));
}

const keep = (atSeconds: number, seen?: { count: number; atSeconds: number }): PeakRequest => ({
  mode: 'keep',
  source: 'check',
  atSeconds,
  ...(seen && { seen }),
});
const fileOf = (paths: PeakPaths) => (existsSync(paths.file) ? readFileSync(paths.file, 'utf8') : null);

for (const argv of shells) {
  const shell = argv[0] ?? 'sh';
  describe(`cf_peak under ${shell}`, () => {
    const cases = [
      {
        name: 'no file: the directory is made (0700) and the count kept',
        count: '1200',
        request: keep(1000),
        write: 'wrote',
        file: '1200 1000 check\n',
      },
      {
        name: 'a higher count replaces the peak',
        count: '1200',
        stored: '900 10 watch\n',
        request: keep(1000),
        write: 'wrote',
        file: '1200 1000 check\n',
      },
      {
        name: 'a lower count leaves it',
        count: '800',
        stored: '900 10 watch\n',
        request: keep(1000),
        write: 'not-higher',
        file: '900 10 watch\n',
      },
      {
        name: 'an equal count leaves it',
        count: '900',
        stored: '900 10 watch\n',
        request: keep(1000),
        write: 'not-higher',
        file: '900 10 watch\n',
      },
      {
        name: 'a higher count seen earlier (watch) wins over the count now, with its time',
        count: '800',
        stored: '900 10 watch\n',
        request: keep(1000, { count: 1500, atSeconds: 990 }),
        write: 'wrote',
        file: '1500 990 check\n',
      },
      {
        name: 'the count now wins over a lower one seen earlier',
        count: '2000',
        request: keep(1000, { count: 1500, atSeconds: 990 }),
        write: 'wrote',
        file: '2000 1000 check\n',
      },
      {
        name: 'a file that is not a peak line is replaced',
        count: '5',
        stored: 'hello\n',
        request: keep(1000),
        write: 'wrote',
        file: '5 1000 check\n',
      },
      { name: 'count unreadable: nothing written', count: null, request: keep(1000), write: 'no-count', file: null },
      { name: 'count not a number: nothing written', count: 'x1', request: keep(1000), write: 'no-count', file: null },
      {
        name: 'read mode writes nothing',
        count: '1200',
        stored: '900 10 watch\n',
        request: { mode: 'read', source: 'check', atSeconds: 1000 } as PeakRequest,
        write: 'off',
        file: '900 10 watch\n',
      },
      {
        name: 'read mode with no file makes no directory',
        count: '1200',
        request: { mode: 'read', source: 'check', atSeconds: 1000 } as PeakRequest,
        write: 'off',
        file: null,
      },
    ];
    cases.forEach((c, index) => {
      it(c.name, async () => {
        const paths = setup(`${shell}-${index}`, c.count, c.stored);
        const fact = await runFragment(c.request, paths, argv);
        assert.equal(fact?.write, c.write);
        assert.equal(fileOf(paths), c.file);
        const dir = dirname(paths.file);
        if (existsSync(dir)) {
          assert.deepEqual(
            readdirSync(dir).filter((f) => f !== 'peak'),
            [],
            'no temp file left',
          );
          assert.equal(statSync(dir).mode & 0o777, 0o700);
        } else assert.equal(c.file, null);
        if (c.file !== null) assert.deepEqual(fact?.kept, parsePeakRecord(c.file));
      });
    });

    it('not root, journal directory not writable: skipped, nothing written', async (t) => {
      if (!isRoot() || !hasCommand('setpriv')) return t.skip('needs root and setpriv to drop to nobody');
      const paths = setup(`${shell}-nobody`, '1200', '900 10 watch\n');
      const drop = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...argv];
      const fact = await runFragment(keep(1000), paths, drop);
      assert.deepEqual([fact?.read, fact?.write], ['unreadable', 'not-writable']);
      assert.equal(fileOf(paths), '900 10 watch\n');
      // no journal directory yet, and nobody may make one
      const fresh = setup(`${shell}-nobody-fresh`, '1200');
      const made = await runFragment(keep(1000), fresh, drop);
      assert.deepEqual([made?.read, made?.write], ['none', 'not-writable']);
      assert.equal(existsSync(dirname(fresh.file)), false);
    });
  });
}

describe('parseGatherOutput carries the peak only when the gather asked for it', () => {
  it('check (keep) and advise (read) get facts.peak; run does not', async (t) => {
    if (!hasCommand('dash')) return t.skip('dash is not installed');
    const request = { files: [], peak: { mode: 'read', source: 'check', atSeconds: 0 } as PeakRequest };
    const token = newRecordToken();
    const result = await runScriptLocally(buildGatherScript(request, token));
    const facts = parseGatherOutput(result.stdout, request, token);
    assert.ok(facts.peak, 'the section ran');
    assert.equal(facts.peak.write, 'off');
    assert.equal('peak' in parseGatherOutput(result.stdout, { files: [] }, token), false);
  });
});

describe('cf_peak in the gather takes the count from the shared grep (cf_lines), not from a cat of its own', () => {
  for (const argv of shells) {
    it(`${argv[0]}: the grepped count wins over the file read later; without it, the file`, async () => {
      const paths = setup(`${argv[0]}-grepped`, '1200');
      const token = newRecordToken();
      const grepped = `cf_lines="$cf_nl${paths.countFile}:1500$cf_nl"`;
      const script = `${recordHeader(token)}\n${gatherFunctions}\n${grepped}\n${peakGatherSh(keep(1000), paths)}\n`;
      const result = await runScriptLocally(script, argv);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(fileOf(paths), '1500 1000 check\n');
      const other = setup(`${argv[0]}-not-grepped`, '1200');
      assert.equal((await runFragment(keep(1000), other, argv))?.write, 'wrote');
      assert.equal(fileOf(other), '1200 1000 check\n');
    });
  }
});
