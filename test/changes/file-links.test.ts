/** Pure: file type and symlinks in FileState, through plan, describe, diff, read-back verification and restore check. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFileSection } from '../../src/facts/parse-file-section.js';
import type { FileState, HostFacts } from '../../src/facts/types.js';
import { manualFixHints, verifyRestored } from '../../src/runner/restore-check.js';
import { parseApplyOutput } from '../../src/changes/apply-output.js';
import { describeChange } from '../../src/changes/describe.js';
import { diffFile } from '../../src/changes/diff.js';
import {
  displayPath,
  fileTypeOf,
  planFileChange,
  sha256OfState,
  ungatheredReason,
} from '../../src/changes/file-state.js';
import { invertChange } from '../../src/changes/invert.js';
import type { Change } from '../../src/changes/change.js';
import { verifyReadBack, type ReadBack } from '../../src/changes/verify.js';
import { modular61Legacy, textFile } from '../fixtures/steps/facts.js';
import { newRecordToken } from '../../src/remote/records.js';

const token = newRecordToken();

const conf = '/etc/sysctl.conf';
const real = '/etc/sysctl.d/99-sysctl.conf';
const link = { path: conf, target: 'sysctl.d/99-sysctl.conf' };
const hex = (text: string) => Buffer.from(text).toString('hex');
const linked = (text: string): FileState => ({ ...textFile(text), links: [link], realPath: real });
const seeded = linked('net.netfilter.nf_conntrack_max = 65536\n');
const change = planFileChange(conf, seeded, 'net.netfilter.nf_conntrack_max = 262144\n') as Extract<
  Change,
  { kind: 'file' }
>;

describe('file type in FileState', () => {
  const types: [string, FileState | null | undefined, string][] = [
    ['absent', null, 'missing'],
    ['regular file', textFile('x\n'), 'regular'],
    ['journal written before links were recorded', { contentBase64: '', mode: 0o644, uid: 0, gid: 0 }, 'regular'],
    ['symlink', seeded, 'symlink'],
  ];
  for (const [name, state, type] of types) it(`${name} → ${type}`, () => assert.equal(fileTypeOf(state), type));

  it('a planned edit keeps the links: the target is edited, the link stays a link', () => {
    assert.deepEqual(change.after?.links, [link]);
    assert.equal(change.after?.realPath, real);
    assert.deepEqual(invertChange(change), { kind: 'file', path: conf, before: change.after, after: seeded });
  });

  it('plans, diffs and messages name the real path', () => {
    assert.equal(displayPath(conf, seeded), `${conf} -> ${real}`);
    assert.equal(displayPath(conf, textFile('x')), conf);
    assert.equal(describeChange(change), `${conf} -> ${real}: 1 line changed`);
    assert.match(
      diffFile(conf, change.before, change.after),
      new RegExp(`^--- ${conf} -> ${real}\n\\+\\+\\+ ${conf} -> ${real}\n@@`),
    );
  });

  it("a file the gather refused is refused with the gather's reason", () => {
    const problems = [
      'cannot read /proc/slabinfo',
      `${conf} is a symlink to ${real}, which does not exist (dangling link): refusing to write through it`,
    ];
    assert.equal(ungatheredReason(problems, conf), problems[1]);
    assert.equal(ungatheredReason(problems, '/etc/other.conf'), '/etc/other.conf was not gathered');
  });
});

describe('gather file sections with links', () => {
  const content = Buffer.from('a = 1\n');
  const chain = [`link ${hex(conf)}=${hex('sysctl.d/99-sysctl.conf')}`, `real ${hex(real)}`];
  const cases: [string, string[], unknown][] = [
    [
      'a link to a regular file',
      [...chain, 'meta 640 0 0', `base64 ${content.toString('base64')}`],
      {
        kind: 'present',
        state: {
          contentBase64: content.toString('base64'),
          mode: 0o640,
          uid: 0,
          gid: 0,
          links: [link],
          realPath: real,
        },
      },
    ],
    [
      'a dangling link',
      [...chain, 'absent'],
      {
        kind: 'unknown',
        reason: `is a symlink to ${real}, which does not exist (dangling link): refusing to write through it`,
      },
    ],
    [
      'a link to a directory',
      [...chain, 'directory'],
      { kind: 'unknown', reason: `is a symlink to ${real}, which is a directory: refusing to write through it` },
    ],
    [
      'a link to an unreadable file',
      [...chain, 'unreadable'],
      { kind: 'unknown', reason: `is a symlink to ${real}, which cannot be read` },
    ],
    [
      'a loop',
      ['link-loop'],
      { kind: 'unknown', reason: 'is a symlink loop (more than 40 links): refusing to write through it' },
    ],
    [
      'a link line without the real path',
      [chain[0]!, 'absent'],
      { kind: 'unknown', reason: 'was not snapshotted (unexpected symlink output)' },
    ],
    [
      'a malformed link line',
      ['link zz=00', chain[1]!, 'absent'],
      { kind: 'unknown', reason: 'was not snapshotted (unexpected symlink output)' },
    ],
  ];
  for (const [name, lines, expected] of cases) it(name, () => assert.deepEqual(parseFileSection(lines), expected));
});

describe('read-back verification of file type', () => {
  const readAs = (links: { path: string; target: string }[] | undefined): ReadBack => ({
    kind: 'file',
    state: { sha256: sha256OfState(change.after!), mode: 0o644, uid: 0, gid: 0, ...(links ? { links } : {}) },
  });
  const cases: [string, ReadBack, string[]][] = [
    ['still the same link', readAs([link]), []],
    [
      'the link replaced by a regular file',
      readAs([]),
      [`${conf} is a regular file, expected a symlink (${conf} -> sysctl.d/99-sysctl.conf)`],
    ],
    [
      'no links in an old read back',
      readAs(undefined),
      [`${conf} is a regular file, expected a symlink (${conf} -> sysctl.d/99-sysctl.conf)`],
    ],
    [
      'pointing elsewhere',
      readAs([{ path: conf, target: '/tmp/x' }]),
      [`${conf} is a symlink (${conf} -> /tmp/x), expected a symlink (${conf} -> sysctl.d/99-sysctl.conf)`],
    ],
  ];
  for (const [name, read, mismatches] of cases)
    it(name, () => assert.deepEqual(verifyReadBack(change, read).mismatches, mismatches));

  it("the apply script's read-back line carries the chain as HEX=HEX tokens", () => {
    const sum = sha256OfState(change.after!);
    const chain = `${hex(conf)}=${hex('sysctl.d/99-sysctl.conf')}`;
    const [kept] = parseApplyOutput(
      `@@cf ${token} applied 0\n@@cf ${token} read 0 file value ${sum} 644 0 0 ${chain}\n@@cf ${token} end ok\n`,
      [change],
      token,
    );
    assert.deepEqual(
      [kept?.matches, kept?.readBack],
      [true, { kind: 'file', state: { sha256: sum, mode: 0o644, uid: 0, gid: 0, links: [link] } }],
    );
    const [lost] = parseApplyOutput(
      `@@cf ${token} applied 0\n@@cf ${token} read 0 file value ${sum} 644 0 0\n@@cf ${token} end ok\n`,
      [change],
      token,
    );
    assert.deepEqual(lost?.mismatches, [
      `${conf} is a regular file, expected a symlink (${conf} -> sysctl.d/99-sysctl.conf)`,
    ]);
    const [bad] = parseApplyOutput(
      `@@cf ${token} applied 0\n@@cf ${token} read 0 file value ${sum} 644 0 0 nothex\n@@cf ${token} end ok\n`,
      [change],
      token,
    );
    assert.match(bad?.mismatches.join('') ?? '', /could not be read back \(bad read back/);
  });

  it('a regular file expected, a link read back', () => {
    const plain = planFileChange(conf, textFile('a\n'), 'b\n')!;
    const read: ReadBack = {
      kind: 'file',
      state: { sha256: sha256OfState(textFile('b\n')), mode: 0o644, uid: 0, gid: 0, links: [link] },
    };
    assert.deepEqual(verifyReadBack(plain, read).mismatches, [
      `${conf} is a symlink (${conf} -> sysctl.d/99-sysctl.conf), expected a regular file`,
    ]);
  });
});

describe('verifyRestored: exact includes the link', () => {
  const after = (state: FileState | null): HostFacts => ({ ...modular61Legacy(), files: { [conf]: state } });
  const cases: [string, FileState | null, string[]][] = [
    ['link and bytes as before', seeded, []],
    [
      'same bytes, but a regular file now',
      textFile('net.netfilter.nf_conntrack_max = 65536\n'),
      [
        `${conf} -> ${real} differs: now a regular file, 39 bytes, mode 644, owner 0:0, was a symlink (${conf} -> sysctl.d/99-sysctl.conf), 39 bytes, mode 644, owner 0:0`,
      ],
    ],
    [
      'the link points at another file',
      { ...seeded, links: [{ path: conf, target: 'other.conf' }], realPath: '/etc/other.conf' },
      [
        `${conf} -> ${real} differs: now a symlink (${conf} -> other.conf), 39 bytes, mode 644, owner 0:0, was a symlink (${conf} -> sysctl.d/99-sysctl.conf), 39 bytes, mode 644, owner 0:0`,
      ],
    ],
  ];
  for (const [name, state, mismatches] of cases) {
    it(name, () => assert.deepEqual(verifyRestored(after(state), [change]), mismatches));
  }

  it('the manual fix puts the link back and names the real file', () => {
    const mismatches = verifyRestored(after(textFile('x\n')), [change]);
    assert.deepEqual(manualFixHints([change], mismatches), [
      `ln -sfn sysctl.d/99-sysctl.conf ${conf}; restore ${real} from the journal (/var/lib/conntrack-fleet/journal) or backup`,
    ]);
  });
});
