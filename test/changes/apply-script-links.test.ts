/**
 * Symlinked files through the real shells, locally: the gather's file reader snapshots a chain, the apply script
 * writes the regular file at its end (the links stay links), refuses a chain that changed since, and the undo
 * puts a replaced link back. Each case runs under dash, bash --posix and busybox ash.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { splitGatherOutput } from '../../src/facts/gather-frame.js';
import { gatherFunctions } from '../../src/facts/gather-script.js';
import { type FileReading, parseFileSection } from '../../src/facts/parse-file-section.js';
import type { FileState } from '../../src/facts/types.js';
import { parseApplyOutput } from '../../src/changes/apply-output.js';
import { buildApplyScript, type ApplyScriptOptions } from '../../src/changes/apply-script.js';
import { planFileChange } from '../../src/changes/file-state.js';
import { invertChanges } from '../../src/changes/invert.js';
import type { Change } from '../../src/changes/change.js';
import { quoteShell } from '../../src/transport/quote.js';
import { newRecordToken, recordHeader } from '../../src/remote/records.js';

const token = newRecordToken();

const shells = [
  { name: 'dash', argv: ['dash', '-s'] },
  { name: 'bash --posix', argv: ['bash', '--posix', '-s'] },
  { name: 'busybox ash', argv: ['busybox', 'ash', '-s'] },
].map((shell) => ({
  ...shell,
  missing: spawnSync(shell.argv[0]!, [...shell.argv.slice(1, -1), '-c', 'true']).status !== 0,
}));

let root = '';
before(() => {
  root = mkdtempSync(join(tmpdir(), 'ctf-links-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

function sh(argv: string[], script: string): string {
  const result = spawnSync(argv[0]!, argv.slice(1), { input: script, encoding: 'utf8' });
  assert.equal(result.status, 0, `${argv.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** The gather's own file reader (cf_file) on one path, parsed as the gather parses it. */
function gatherFile(argv: string[], path: string): FileReading {
  const out = sh(argv, `${recordHeader(token)}\n${gatherFunctions}\ncf_file 0 ${quoteShell(path)}\n`);
  return parseFileSection(splitGatherOutput(out, token).sections[0]?.lines ?? []);
}

function present(reading: FileReading): FileState {
  assert.equal(reading.kind, 'present', JSON.stringify(reading));
  return (reading as Extract<FileReading, { kind: 'present' }>).state;
}

function apply(argv: string[], changes: Change[], options?: Omit<ApplyScriptOptions, 'token'>) {
  const result = spawnSync(argv[0]!, argv.slice(1), {
    input: buildApplyScript(changes, { token, ...options }),
    encoding: 'utf8',
  });
  return { status: result.status, outcomes: parseApplyOutput(result.stdout, changes, token) };
}

/** A Debian-like /etc: sysctl.conf -> sysctl.d/99-sysctl.conf (relative), and 99-sysctl.conf the real file. */
function debianEtc(name: string): { etc: string; conf: string; real: string } {
  const etc = join(root, name, 'etc');
  mkdirSync(join(etc, 'sysctl.d'), { recursive: true });
  const real = join(etc, 'sysctl.d', '99-sysctl.conf');
  writeFileSync(real, 'net.netfilter.nf_conntrack_max = 65536\n', { mode: 0o640 });
  symlinkSync('sysctl.d/99-sysctl.conf', join(etc, 'sysctl.conf'));
  return { etc, conf: join(etc, 'sysctl.conf'), real };
}

const tempFiles = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('.conntrack-fleet'));

for (const shell of shells) {
  describe(
    `symlinked files under ${shell.name}`,
    { skip: shell.missing ? `${shell.argv[0]} is not installed` : false },
    () => {
      const id = shell.name.replace(/\W/g, '');

      it('the gather follows a relative chain and records every link and the real path', () => {
        const { etc, real } = debianEtc(`${id}-gather`);
        // a chain of two: /etc/a.conf -> sysctl.conf -> sysctl.d/99-sysctl.conf
        symlinkSync('sysctl.conf', join(etc, 'a.conf'));
        const state = present(gatherFile(shell.argv, join(etc, 'a.conf')));
        assert.deepEqual(state.links, [
          { path: join(etc, 'a.conf'), target: 'sysctl.conf' },
          { path: join(etc, 'sysctl.conf'), target: 'sysctl.d/99-sysctl.conf' },
        ]);
        assert.equal(state.realPath, real);
        assert.equal(Buffer.from(state.contentBase64, 'base64').toString(), 'net.netfilter.nf_conntrack_max = 65536\n');
        assert.equal(state.mode, 0o640);
        assert.equal(present(gatherFile(shell.argv, real)).links, undefined, 'a regular file has no links');
      });

      it('the gather refuses a dangling link, a link to a directory and a loop, each with the reason', () => {
        const dir = join(root, `${id}-refuse`);
        mkdirSync(dir);
        symlinkSync('missing.conf', join(dir, 'dangling.conf'));
        symlinkSync('.', join(dir, 'dir.conf'));
        symlinkSync('loop-b.conf', join(dir, 'loop-a.conf'));
        symlinkSync('loop-a.conf', join(dir, 'loop-b.conf'));
        const reasons: [string, RegExp][] = [
          [
            'dangling.conf',
            /^is a symlink to .*\/missing\.conf, which does not exist \(dangling link\): refusing to write through it$/,
          ],
          ['dir.conf', /^is a symlink to .*-refuse, which is a directory: refusing to write through it$/],
          ['loop-a.conf', /^is a symlink loop/],
        ];
        for (const [name, reason] of reasons) {
          const reading = gatherFile(shell.argv, join(dir, name));
          assert.equal(reading.kind, 'unknown', name);
          assert.match((reading as { reason: string }).reason, reason, name);
        }
      });

      it('a write edits the link target atomically beside it, keeps the link, and reads back exact', () => {
        const { etc, conf, real } = debianEtc(`${id}-write`);
        const before = present(gatherFile(shell.argv, conf));
        const change = planFileChange(conf, before, 'net.netfilter.nf_conntrack_max = 262144\n');
        assert.ok(change);
        const { status, outcomes } = apply(shell.argv, [change]);
        assert.equal(status, 0);
        assert.deepEqual(
          outcomes.map((o) => [o.status, o.matches, o.mismatches]),
          [['applied', true, []]],
        );
        assert.ok(lstatSync(conf).isSymbolicLink(), 'the link is still a link');
        assert.equal(readlinkSync(conf), 'sysctl.d/99-sysctl.conf', 'with its own relative target');
        assert.equal(readFileSync(real, 'utf8'), 'net.netfilter.nf_conntrack_max = 262144\n');
        assert.equal(lstatSync(real).mode & 0o7777, 0o640, 'mode kept');
        assert.deepEqual([...tempFiles(etc), ...tempFiles(join(etc, 'sysctl.d'))], []);
      });

      it("Debian's /etc/sysctl.d/99-sysctl.conf -> ../sysctl.conf stays a link", () => {
        const etc = join(root, `${id}-debian`, 'etc');
        mkdirSync(join(etc, 'sysctl.d'), { recursive: true });
        writeFileSync(join(etc, 'sysctl.conf'), '# empty\n');
        const link = join(etc, 'sysctl.d', '99-sysctl.conf');
        symlinkSync('../sysctl.conf', link);
        const before = present(gatherFile(shell.argv, link));
        assert.equal(before.realPath, join(etc, 'sysctl.conf'));
        const change = planFileChange(link, before, '# empty\nnet.netfilter.nf_conntrack_max = 262144\n');
        assert.ok(change);
        assert.equal(apply(shell.argv, [change]).status, 0);
        assert.equal(readlinkSync(link), '../sysctl.conf');
        assert.equal(
          readFileSync(join(etc, 'sysctl.conf'), 'utf8'),
          '# empty\nnet.netfilter.nf_conntrack_max = 262144\n',
        );
      });

      it('a chain that changed since the gather fails the write with nothing written', () => {
        const { conf, real } = debianEtc(`${id}-changed`);
        const before = present(gatherFile(shell.argv, conf));
        const change = planFileChange(conf, before, 'x = 1\n')!;
        unlinkSync(conf);
        writeFileSync(conf, 'now a regular file\n');
        const { status, outcomes } = apply(shell.argv, [change]);
        assert.equal(status, 1);
        assert.equal(outcomes[0]?.status, 'failed');
        assert.match(outcomes[0]?.error ?? '', /its symlinks changed since the facts were read; nothing written/);
        assert.equal(readFileSync(conf, 'utf8'), 'now a regular file\n');
        assert.equal(readFileSync(real, 'utf8'), 'net.netfilter.nf_conntrack_max = 65536\n');
      });

      it('the undo puts a link back that was replaced by a file since, and restores the target bytes', () => {
        const { conf, real } = debianEtc(`${id}-undo`);
        const before = present(gatherFile(shell.argv, conf));
        const change = planFileChange(conf, before, 'net.netfilter.nf_conntrack_max = 262144\n')!;
        assert.equal(apply(shell.argv, [change]).status, 0);
        // someone (an older tool) replaced the link by a plain copy
        unlinkSync(conf);
        writeFileSync(conf, 'net.netfilter.nf_conntrack_max = 262144\n');
        const undo = invertChanges([change]);
        const { status, outcomes } = apply(shell.argv, undo, { continueOnError: true, restoreLinks: true });
        assert.equal(status, 0, JSON.stringify(outcomes));
        assert.deepEqual(
          outcomes.map((o) => o.mismatches),
          [[]],
        );
        assert.equal(readlinkSync(conf), 'sysctl.d/99-sysctl.conf');
        assert.equal(readFileSync(real, 'utf8'), 'net.netfilter.nf_conntrack_max = 65536\n');
      });

      it('the read back names a link replaced by a regular file as a mismatch', () => {
        const { conf } = debianEtc(`${id}-readback`);
        const before = present(gatherFile(shell.argv, conf));
        const change = planFileChange(conf, before, 'y = 2\n') as Extract<Change, { kind: 'file' }>;
        // the plan expects another link than the one there: nothing is written, and the read back names the difference
        const expectLink: Change = {
          ...change,
          after: { ...change.after!, links: [{ path: conf, target: 'elsewhere.conf' }], realPath: '/x' },
        };
        const { outcomes } = apply(shell.argv, [expectLink], { restoreLinks: false });
        assert.equal(outcomes[0]?.status, 'failed');
        assert.match(
          outcomes[0]?.mismatches.join('; ') ?? '',
          /is a symlink \(.*sysctl\.conf -> sysctl\.d\/99-sysctl\.conf\), expected a symlink \(.* -> elsewhere\.conf\)/,
        );
      });
    },
  );
}
