/** findDrift: a host compared with the after-states its journals recorded. Pure, table-driven. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Change } from '../../src/changes/change.js';
import { sha256OfState } from '../../src/changes/file-state.js';
import { knobPaths, timeoutPath, type FileState, type HostFacts } from '../../src/facts/types.js';
import { driftFiles, driftRefusal, findDrift } from '../../src/runner/drift.js';
import { describeFileState } from '../../src/runner/drift-describe.js';
import type { JournalEntry } from '../../src/runner/journal.js';
import { modular61Legacy, textFile } from '../fixtures/steps/facts.js';

const conf = '/etc/sysctl.d/90-conntrack.conf';
const other = '/etc/modprobe.d/conntrack-fleet.conf';
const seeded = textFile('net.netfilter.nf_conntrack_max = 65536\n');
const tuned = textFile('net.netfilter.nf_conntrack_max = 262144\n');
const edited = textFile('net.netfilter.nf_conntrack_max = 300000\n');
const est = timeoutPath('tcp_timeout_established');

const maxChange: Change = {
  kind: 'knob',
  key: 'nf_conntrack_max',
  path: knobPaths.max,
  before: '65536',
  after: '262144',
};
const estChange: Change = { kind: 'knob', key: 'tcp_est', path: est, before: '432000', after: '86400' };
const confChange: Change = { kind: 'file', path: conf, before: seeded, after: tuned };
const created: Extract<Change, { kind: 'file' }> = {
  kind: 'file',
  path: other,
  before: null,
  after: textFile('options nf_conntrack hashsize=65536\n'),
};

function run(runId: string, changes: Change[], appliedCount = changes.length): JournalEntry {
  const at = `2026-11-29T1${runId.length}:00:00Z`;
  return {
    version: 1,
    run_id: runId,
    playbook: 'p.yaml',
    host: 'h',
    started_at: at,
    updated_at: at,
    state: 'done',
    changes,
    applied_count: appliedCount,
  };
}

const tune = run('R', [maxChange, estChange, confChange, created, { kind: 'module-unload', module: 'nf_nat' }]);

/** The host as run R left it, unless `edit` says otherwise. */
function leftByRun(edit: (facts: HostFacts) => void = () => undefined): HostFacts {
  const facts = modular61Legacy();
  facts.knobs.max.value = '262144';
  facts.timeouts['tcp_timeout_established'] = 86400;
  facts.files = { [conf]: tuned, [other]: created.after };
  edit(facts);
  return facts;
}

const linked = (state: FileState, target: string): FileState => ({
  ...state,
  links: [{ path: conf, target }],
  realPath: target,
});
const hash = (state: FileState) => `${sha256OfState(state).slice(0, 12)}…`;

describe('findDrift', () => {
  const cases: [string, (f: HostFacts) => void, string[]][] = [
    ['as the run left it', () => undefined, []],
    [
      'every target back at its before-state (restoring writes what is there)',
      (f) => {
        f.knobs.max.value = '65536';
        f.timeouts['tcp_timeout_established'] = 432000;
        f.files = { [conf]: seeded, [other]: null };
      },
      [],
    ],
    [
      'a module loaded again by hand is not drift',
      (f) => f.modules.push({ name: 'nf_nat', sizeBytes: 1, useCount: 0, usedBy: [] }),
      [],
    ],
    [
      'knob set by hand',
      (f) => (f.knobs.max.value = '131072'),
      ['nf_conntrack_max: was 262144 set by run R, is now 131072'],
    ],
    [
      'knob reset with kube-proxy running: the message says who does that',
      (f) => {
        f.knobs.max.value = '131072';
        f.kubeProxy = true;
      },
      [
        'nf_conntrack_max: was 262144 set by run R, is now 131072 (kube-proxy runs on this host: it sets nf_conntrack_max itself when it starts)',
      ],
    ],
    [
      'kube-proxy is not blamed for a timeout',
      (f) => {
        f.timeouts['tcp_timeout_established'] = 7200;
        f.kubeProxy = true;
      },
      ['tcp_est: was 86400 set by run R, is now 7200'],
    ],
    [
      'knob unreadable (nf_conntrack unloaded by hand)',
      (f) => (f.knobs.max.value = null),
      ['nf_conntrack_max: was 262144 set by run R, is now unreadable'],
    ],
    [
      'file edited',
      (f) => (f.files[conf] = edited),
      [
        `${conf}: was a regular file (40 bytes, sha256 ${hash(tuned)}, mode 0644, owner 0:0) written by run R, is now a regular file (40 bytes, sha256 ${hash(edited)}, mode 0644, owner 0:0)`,
      ],
    ],
    [
      'file mode changed',
      (f) => (f.files[conf] = { ...tuned, mode: 0o600 }),
      [
        `${conf}: was a regular file (40 bytes, sha256 ${hash(tuned)}, mode 0644, owner 0:0) written by run R, is now a regular file (40 bytes, sha256 ${hash(tuned)}, mode 0600, owner 0:0)`,
      ],
    ],
    [
      'file owner changed',
      (f) => (f.files[conf] = { ...tuned, uid: 1000 }),
      [
        `${conf}: was a regular file (40 bytes, sha256 ${hash(tuned)}, mode 0644, owner 0:0) written by run R, is now a regular file (40 bytes, sha256 ${hash(tuned)}, mode 0644, owner 1000:0)`,
      ],
    ],
    [
      'file replaced by a symlink to the same bytes',
      (f) => (f.files[conf] = linked(tuned, '/x')),
      [
        `${conf}: was a regular file (40 bytes, sha256 ${hash(tuned)}, mode 0644, owner 0:0) written by run R, is now a symlink to /x (/x: 40 bytes, sha256 ${hash(tuned)}, mode 0644, owner 0:0)`,
      ],
    ],
    [
      'file replaced by a dangling symlink (the gather could not snapshot it)',
      (f) => {
        delete f.files[conf];
        f.problems.push(
          `${conf} is a symlink to /x, which does not exist (dangling link): refusing to write through it`,
        );
      },
      [
        `${conf}: was a regular file (40 bytes, sha256 ${hash(tuned)}, mode 0644, owner 0:0) written by run R, is now a symlink to /x, which does not exist (dangling link)`,
      ],
    ],
    [
      'file removed',
      (f) => (f.files[conf] = null),
      [
        `${conf}: was a regular file (40 bytes, sha256 ${hash(tuned)}, mode 0644, owner 0:0) written by run R, is now absent`,
      ],
    ],
  ];
  for (const [name, edit, expected] of cases) {
    it(name, () => {
      const check = findDrift(leftByRun(edit), [tune]);
      assert.deepEqual(
        check.findings.map((f) => f.message),
        expected,
      );
      assert.deepEqual(check.unknown, []);
    });
  }

  it('a finding is data: kind, target, run, what the run left and what is there now', () => {
    const [finding] = findDrift(
      leftByRun((f) => (f.files[conf] = null)),
      [tune],
    ).findings;
    assert.deepEqual(
      { ...finding, message: undefined },
      {
        kind: 'file',
        target: conf,
        runId: 'R',
        runLeft: describeFileState(conf, tuned),
        now: 'absent',
        message: undefined,
      },
    );
  });

  it('a file the run removed and someone created again is drift', () => {
    const removal = run('R', [{ kind: 'file', path: other, before: tuned, after: null }]);
    const facts = leftByRun((f) => (f.files[other] = edited));
    assert.deepEqual(
      findDrift(facts, [removal]).findings.map((f) => f.message),
      [
        `${other}: was removed by run R, is now a regular file (40 bytes, sha256 ${hash(edited)}, mode 0644, owner 0:0)`,
      ],
    );
  });

  it('a kernel rounding the journal accepted is not drift; the last change to a target is what the run left', () => {
    const rounded = run('R', [
      { ...maxChange, after: '262000', accept: ['262144'] },
      { kind: 'file', path: conf, before: seeded, after: edited },
      { kind: 'file', path: conf, before: edited, after: tuned },
    ]);
    assert.deepEqual(findDrift(leftByRun(), [rounded]).findings, []);
  });

  it('only the applied changes count: one never applied is not checked', () => {
    const crashed = run('R', [maxChange, confChange], 1);
    assert.deepEqual(
      findDrift(
        leftByRun((f) => (f.files[conf] = edited)),
        [crashed],
      ).findings,
      [],
    );
    assert.deepEqual(driftFiles([crashed]), []);
  });

  it('a change written through the alias of nf_conntrack_max is read through it, and kube-proxy named for it', () => {
    const alias = run('R', [{ ...maxChange, path: knobPaths.maxAlias, key: 'net.nf_conntrack_max' }]);
    const host = leftByRun((f) => {
      f.knobs.maxAlias.value = '131072';
      f.kubeProxy = true;
    });
    assert.deepEqual(
      findDrift(host, [alias]).findings.map((f) => f.message),
      [
        'net.nf_conntrack_max: was 262144 set by run R, is now 131072 (kube-proxy runs on this host: it sets nf_conntrack_max itself when it starts)',
      ],
    );
  });

  it('runs undone together: the newest run that changed a target is checked on the host, older ones against what the newer run found', () => {
    const a = run('A', [{ ...maxChange, after: '200000' }, confChange]);
    // C found 150000 (set by hand after A) and A's file as A left it
    const c = run('CC', [
      { ...maxChange, before: '150000' },
      { kind: 'file', path: conf, before: tuned, after: edited },
    ]);
    const host = leftByRun((f) => (f.files[conf] = edited));
    const check = findDrift(host, [c, a]);
    assert.deepEqual(
      check.findings.map((f) => [f.message, f.foundBy]),
      [['nf_conntrack_max: was 200000 set by run A, run CC found 150000 (changed between the two runs)', 'CC']],
    );
    assert.deepEqual(driftFiles([c, a]), [conf]);
  });

  it('runs undone together that wrote one file through two names (a link and its target) see one file', () => {
    const link = '/etc/sysctl.d/99-sysctl.conf';
    const real = '/etc/sysctl.conf';
    const viaLink = (state: FileState): FileState => ({
      ...state,
      links: [{ path: link, target: '../sysctl.conf' }],
      realPath: real,
    });
    const a = run('A', [{ kind: 'file', path: real, before: seeded, after: tuned }]);
    const c = run('CC', [{ kind: 'file', path: link, before: viaLink(tuned), after: viaLink(edited) }]);
    const host = leftByRun((f) => (f.files = { [link]: viaLink(edited), [real]: edited }));
    assert.deepEqual(findDrift(host, [c, a]).findings, []);
    // the real file edited between A and C: C found other bytes than A left
    const c2 = run('CC', [
      { kind: 'file', path: link, before: viaLink(textFile('by hand\n')), after: viaLink(edited) },
    ]);
    assert.deepEqual(
      findDrift(host, [c2, a]).findings.map((f) => [f.target, f.foundBy]),
      [[real, 'CC']],
    );
  });

  it('a journal without an after-state (damaged, or from an unknown writer): drift unknown, said, never guessed', () => {
    const damaged = run('R', [{ kind: 'file', path: conf, before: seeded } as unknown as Change, maxChange]);
    const check = findDrift(
      leftByRun((f) => (f.files[conf] = edited)),
      [damaged],
    );
    assert.deepEqual(check.findings, []);
    assert.deepEqual(check.unknown, [`${conf} (run R)`]);
  });

  it('the refusal names every finding and the way on', () => {
    const check = findDrift(
      leftByRun((f) => (f.knobs.max.value = '131072')),
      [tune],
    );
    assert.equal(
      driftRefusal('R', check.findings),
      'refused to roll back run R: changed since the run: nf_conntrack_max: was 262144 set by run R, is now 131072; nothing restored (rollback --force overwrites it)',
    );
  });
});

describe('findDrift after unload_nat removed nf_conntrack', () => {
  // unload_nat pins each runtime value (a change from the value to itself) and then removes the chain
  const pinned: Change = { ...maxChange, before: '262144', after: '262144' };
  const unload = run('U', [
    pinned,
    { kind: 'module-unload', module: 'nf_nat' },
    { kind: 'module-unload', module: 'nf_conntrack' },
  ]);
  it('a knob that went with the module is the run after-state, not drift', () => {
    assert.deepEqual(
      findDrift(
        leftByRun((f) => (f.knobs.max.value = null)),
        [unload],
      ).findings,
      [],
    );
  });
  it('a knob readable again with another value is drift (someone loaded the module and set it)', () => {
    const found = findDrift(
      leftByRun((f) => (f.knobs.max.value = '65536')),
      [unload],
    ).findings;
    assert.deepEqual(
      found.map((f) => f.message),
      ['nf_conntrack_max: was 262144 set by run U, is now 65536'],
    );
  });
  it('without nf_conntrack among the unloads an unreadable knob stays drift', () => {
    const natOnly = run('N', [pinned, { kind: 'module-unload', module: 'nf_nat' }]);
    const found = findDrift(
      leftByRun((f) => (f.knobs.max.value = null)),
      [natOnly],
    ).findings;
    assert.deepEqual(
      found.map((f) => f.now),
      ['unreadable'],
    );
  });
});
