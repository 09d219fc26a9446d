import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostFacts } from '../../src/facts/types.js';
import { readBytesText } from '../../src/changes/file-state.js';
import { invertChanges } from '../../src/changes/invert.js';
import { modprobeConfPath, modulesLoadPath } from '../../src/steps/module-files.js';
import { filesNeededForPersist, planPersist } from '../../src/steps/persist.js';
import { defaultSysctlDropIn } from '../../src/steps/persist-values.js';
import { blockBegin, disabledPrefix } from '../../src/steps/sysctl-block.js';
import type { Change, PlanContext } from '../../src/steps/types.js';
import { aliasOnly, bootFile, builtin618, modular61Nft, textFile } from '../fixtures/steps/facts.js';
import { contextOf, spec } from '../fixtures/steps/playbook.js';

const sysctlConf = '/etc/sysctl.conf';

/** Applies file changes to facts.files, as the host would. */
function applyInMemory(facts: HostFacts, changes: Change[]): HostFacts {
  const files = { ...facts.files };
  for (const change of changes) if (change.kind === 'file') files[change.path] = change.after;
  return { ...facts, files };
}

function withFiles(facts: HostFacts, files: HostFacts['files']): HostFacts {
  return { ...facts, files: { [sysctlConf]: null, [modprobeConfPath]: null, [modulesLoadPath]: null, ...files } };
}

function fileText(changes: Change[], path: string): string | null {
  const change = changes.find((c) => c.kind === 'file' && c.path === path);
  return change?.kind === 'file' && change.after ? readBytesText(change.after) : null;
}

const sets = { targetMax: 262144, targetTimeouts: { tcp_timeout_established: 86400 } };

describe('persist plan', () => {
  const seeds = [
    { name: 'missing file', text: null },
    {
      name: 'seed with old keys and no trailing newline',
      text: '# tuned by hand\nnet.netfilter.nf_conntrack_max=1\nnet.ipv4.netfilter.ip_conntrack_max = 65536\nvm.swappiness = 10',
    },
    {
      name: 'odd spacing and slashes',
      text: 'net/netfilter/nf_conntrack_max = 1\n\tnet.netfilter.nf_conntrack_tcp_timeout_established=5\n',
    },
  ];
  for (const seed of seeds) {
    it(`${seed.name}: plan → apply → re-plan is a no-op, undo restores byte for byte`, () => {
      const before = seed.text === null ? null : textFile(seed.text, 0o640, 0, 4);
      const facts = withFiles(builtin618(), { [sysctlConf]: before });
      const first = planPersist(spec.persist(), contextOf(facts, sets)).plan;
      assert.equal(first.refusal, undefined);
      assert.equal(first.changes.length, 1);
      const written = fileText(first.changes, sysctlConf)!;
      assert.match(
        written,
        /# BEGIN conntrack-fleet .*\nnet.netfilter.nf_conntrack_max = 262144\nnet.netfilter.nf_conntrack_tcp_timeout_established = 86400\n# END conntrack-fleet\n$/,
      );
      const change = first.changes[0]!;
      assert.ok(change.kind === 'file' && change.after);
      assert.deepEqual([change.after.mode, change.after.uid, change.after.gid], before ? [0o640, 0, 4] : [0o644, 0, 0]);
      if (seed.text !== null) {
        for (const line of written.split('\n')) {
          const active =
            !line.startsWith('#') &&
            /conntrack/.test(line) &&
            !line.includes(' = 262144') &&
            !line.includes(' = 86400');
          assert.ok(!active, `left active: ${line}`);
        }
        assert.ok(written.includes('vm.swappiness = 10\n') || !seed.text.includes('swappiness'));
      }

      const second = planPersist(spec.persist(), contextOf(applyInMemory(facts, first.changes), sets)).plan;
      assert.deepEqual(second.changes, [], 'idempotent');

      const undone = applyInMemory(applyInMemory(facts, first.changes), invertChanges(first.changes));
      assert.deepEqual(undone.files[sysctlConf], before, 'rollback is the before-state, byte for byte');
    });
  }

  it('keeps everything else byte for byte', () => {
    const text =
      'vm.swappiness=10\n# net.netfilter.nf_conntrack_max = 9\nnet.netfilter.nf_conntrack_max = 1\nkernel.panic = 5';
    const facts = withFiles(builtin618(), { [sysctlConf]: textFile(text) });
    const written = fileText(planPersist(spec.persist(), contextOf(facts, sets)).plan.changes, sysctlConf)!;
    assert.ok(
      written.startsWith(
        `vm.swappiness=10\n# net.netfilter.nf_conntrack_max = 9\n${disabledPrefix}net.netfilter.nf_conntrack_max = 1\nkernel.panic = 5\n\n${blockBegin}\n`,
      ),
      written,
    );
  });

  it('persists net.nf_conntrack_max on a kernel that has only that name, disabling the modern one', () => {
    const facts = withFiles(aliasOnly(), { [sysctlConf]: textFile('net.netfilter.nf_conntrack_max = 1\n') });
    const written = fileText(
      planPersist(spec.persist(), contextOf(facts, { targetMax: 131072 })).plan.changes,
      sysctlConf,
    )!;
    assert.match(written, /^net.nf_conntrack_max = 131072$/m);
    assert.match(written, new RegExp(`^${disabledPrefix}net.netfilter.nf_conntrack_max = 1$`, 'm'));
  });

  it('sysctl_d writes the drop-in', () => {
    const facts = withFiles(builtin618(), { [defaultSysctlDropIn]: null });
    const { plan } = planPersist(spec.persist({ sysctl_d: true }), contextOf(facts, sets));
    assert.equal(plan.changes[0]?.kind === 'file' && plan.changes[0].path, defaultSysctlDropIn);
    assert.deepEqual(filesNeededForPersist(spec.persist({ sysctl_d: true })), [
      defaultSysctlDropIn,
      modprobeConfPath,
      modulesLoadPath,
    ]);
  });

  it('has nothing to do when the playbook sets nothing', () => {
    const { plan } = planPersist(spec.persist(), contextOf(withFiles(modular61Nft(), {})));
    assert.deepEqual(plan.changes, []);
    assert.match(plan.lines[0]!, /nothing to persist/);
  });

  it('never says "this playbook sets no value": on a host without nf_conntrack it says why nothing is set here', () => {
    const facts = withFiles(modular61Nft(), {});
    facts.conntrack = 'absent';
    const { plan } = planPersist(spec.persist(), contextOf(facts));
    assert.equal(
      plan.lines[0],
      'nothing to persist: nf_conntrack is not loaded on this host, so no step sets a value here, and none was persisted before',
    );
  });

  it('modular conntrack: modprobe.d hashsize and modules-load.d, with the reason in the file', () => {
    const facts = withFiles(modular61Nft(), {});
    const context: PlanContext = contextOf(facts, { ...sets, targetHashsize: 65536 });
    const { plan } = planPersist(spec.persist(), context);
    assert.deepEqual(
      plan.changes.map((c) => c.kind === 'file' && c.path),
      [sysctlConf, modprobeConfPath, modulesLoadPath],
    );
    assert.match(fileText(plan.changes, modprobeConfPath)!, /^options nf_conntrack hashsize=65536$/m);
    const load = fileText(plan.changes, modulesLoadPath)!;
    assert.match(load, /^nf_conntrack$/m);
    assert.match(load, /silently not applied at boot/);
    const again = planPersist(spec.persist(), { ...context, facts: applyInMemory(facts, plan.changes) }).plan;
    assert.deepEqual(again.changes, []);
  });

  it('modular conntrack without a hashsize: no modprobe.d file', () => {
    const { plan } = planPersist(spec.persist(), contextOf(withFiles(modular61Nft(), {}), sets));
    assert.deepEqual(
      plan.changes.map((c) => c.kind === 'file' && c.path),
      [sysctlConf, modulesLoadPath],
    );
  });

  it('modprobe-blocked: warns when modprobe.d keeps nf_conntrack from loading at boot, and not otherwise', () => {
    const facts = withFiles(modular61Nft(), {});
    assert.deepEqual(
      planPersist(spec.persist(), contextOf(facts, sets)).plan.warnings.filter((w) => w.startsWith('modprobe-blocked')),
      [],
    );
    facts.bootConfig?.files.push(bootFile('/etc/modprobe.d/off.conf', { text: 'install nf_conntrack /bin/false\n' }));
    const { plan } = planPersist(spec.persist(), contextOf(facts, sets));
    assert.ok(plan.changes.length > 0, 'still persists: the value is right if the module is enabled later');
    assert.deepEqual(
      plan.warnings.filter((w) => w.startsWith('modprobe-blocked')),
      [
        'modprobe-blocked: after a reboot nf_conntrack cannot load (nf_conntrack: /etc/modprobe.d/off.conf:1 "install nf_conntrack /bin/false"), so no persisted value applies',
      ],
    );
  });

  it('built-in conntrack: neither module file, and says why', () => {
    const { plan } = planPersist(
      spec.persist(),
      contextOf(withFiles(builtin618(), {}), { ...sets, targetHashsize: 65536 }),
    );
    assert.deepEqual(
      plan.changes.map((c) => c.kind === 'file' && c.path),
      [sysctlConf],
    );
    assert.ok(plan.lines.some((l) => l.includes('built in')));
    assert.ok(plan.warnings.some((w) => w.includes('nf_conntrack.hashsize=65536')));
  });

  it('comments out a later sysctl file that would win at boot, and rollback restores it byte for byte', () => {
    const facts = withFiles(builtin618(), {});
    const kube = bootFile('/etc/sysctl.d/99-zz-kube.conf', { text: 'net.netfilter.nf_conntrack_max = 131072\n' });
    facts.bootConfig!.files.push(
      kube,
      bootFile('/usr/lib/sysctl.d/50-early.conf', { text: 'net.netfilter.nf_conntrack_max = 1\n' }),
    );
    const { plan } = planPersist(spec.persist(), contextOf(facts, sets));
    assert.equal(plan.refusal, undefined);
    assert.equal(fileText(plan.changes, kube.path), `${disabledPrefix}net.netfilter.nf_conntrack_max = 131072\n`);
    assert.ok(
      plan.lines.some((l) => l.startsWith('/etc/sysctl.d/99-zz-kube.conf:1 sets') && l.endsWith('commented out')),
      plan.lines.join('\n'),
    );
    const undo = invertChanges(plan.changes).find((c) => c.kind === 'file' && c.path === kube.path);
    assert.ok(undo?.kind === 'file');
    assert.deepEqual(undo.after, kube.state);
  });

  it('refuses when the gatherer did not read the target', () => {
    const facts = { ...builtin618(), files: {} };
    assert.match(planPersist(spec.persist(), contextOf(facts, sets)).plan.refusal ?? '', /was not gathered/);
  });

  it('refuses a broken managed block', () => {
    const facts = withFiles(builtin618(), { [sysctlConf]: textFile(`${blockBegin}\nx = 1\n`) });
    assert.match(planPersist(spec.persist(), contextOf(facts, sets)).plan.refusal ?? '', /has no/);
  });
});
