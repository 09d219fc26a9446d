import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostFacts } from '../../src/facts/types.js';
import { readBytesText } from '../../src/changes/file-state.js';
import { invertChanges } from '../../src/changes/invert.js';
import { modprobeConfPath, modulesLoadPath } from '../../src/steps/module-files.js';
import { planPersist } from '../../src/steps/persist.js';
import { defaultSysctlDropIn } from '../../src/steps/persist-values.js';
import { blockBegin, disabledPrefix } from '../../src/steps/sysctl-block.js';
import type { Change, PlanContext } from '../../src/steps/types.js';
import { bootFile, builtin618, modular61Nft, textFile } from '../fixtures/steps/facts.js';
import { contextOf, spec } from '../fixtures/steps/playbook.js';

const sysctlConf = '/etc/sysctl.conf';
const seed = '# tuned by hand\nnet.netfilter.nf_conntrack_max = 65536\n';

/** A host whose /etc/sysctl.conf holds `text`, gathered both as the target and as a boot file. */
function hostWith(facts: HostFacts, text: string): HostFacts {
  facts.files = {
    [sysctlConf]: textFile(text),
    [defaultSysctlDropIn]: null,
    [modprobeConfPath]: null,
    [modulesLoadPath]: null,
  };
  facts.bootConfig!.files = facts.bootConfig!.files.map((f) =>
    f.path === sysctlConf ? bootFile(sysctlConf, { text }) : f,
  );
  return facts;
}

/** What the host looks like after `changes`, as the next gather would read it. */
function applied(facts: HostFacts, changes: Change[]): HostFacts {
  const next: HostFacts = structuredClone(facts);
  for (const change of changes) {
    if (change.kind !== 'file') continue;
    if (change.path in next.files) next.files[change.path] = change.after;
    const text = change.after ? readBytesText(change.after) : null;
    const entry = next.bootConfig!.files.find((f) => f.path === change.path);
    const fresh = bootFile(change.path, text === null ? { missing: true } : { text });
    if (entry) Object.assign(entry, { ...fresh, linkTarget: entry.linkTarget, realPath: entry.realPath });
    else next.bootConfig!.files.push(fresh);
  }
  return next;
}

function textOf(facts: HostFacts, path: string): string {
  return readBytesText(facts.files[path] ?? null);
}

const first: Partial<PlanContext> = { targetMax: 262144, targetTimeouts: { tcp_timeout_established: 86400 } };
const second: Partial<PlanContext> = { targetTimeouts: { udp_timeout: 60 } };

describe('persist keeps every key it persisted on the host', () => {
  it('a later playbook that persists only a UDP timeout keeps nf_conntrack_max in the block', () => {
    const host = hostWith(builtin618(), seed);
    const one = applied(host, planPersist(spec.persist(), contextOf(host, first)).plan.changes);
    const { plan } = planPersist(spec.persist(), contextOf(one, second));
    const two = applied(one, plan.changes);
    const text = textOf(two, sysctlConf);
    assert.match(text, /^net\.netfilter\.nf_conntrack_max = 262144$/m);
    assert.match(text, /^net\.netfilter\.nf_conntrack_tcp_timeout_established = 86400$/m);
    assert.match(text, /^net\.netfilter\.nf_conntrack_udp_timeout = 60$/m);
    assert.ok(
      text.includes(`${disabledPrefix}net.netfilter.nf_conntrack_max = 65536\n`),
      'the old hand-tuned line stays disabled',
    );
    assert.deepEqual(plan.after['values'], {
      'net.netfilter.nf_conntrack_max': '262144',
      'net.netfilter.nf_conntrack_tcp_timeout_established': '86400',
      'net.netfilter.nf_conntrack_udp_timeout': '60',
    });
    // before/after exist for the JSON report, whose keys are snake_case
    assert.deepEqual(
      [Object.keys(plan.before), Object.keys(plan.after)],
      [
        ['file_exists', 'values', 'modprobe_hashsize'],
        ['values', 'modprobe_hashsize'],
      ],
    );
    assert.deepEqual(planPersist(spec.persist(), contextOf(two, second)).plan.changes, [], 'idempotent');
  });

  it('remove: takes a key out of the block and gives the hand-tuned line back', () => {
    const host = hostWith(builtin618(), seed);
    const one = applied(host, planPersist(spec.persist(), contextOf(host, first)).plan.changes);
    const { plan } = planPersist(spec.persist({ remove: ['max'] }), contextOf(one, {}));
    const text = textOf(applied(one, plan.changes), sysctlConf);
    assert.ok(text.startsWith(seed), text);
    assert.doesNotMatch(text, /nf_conntrack_max = 262144/);
    assert.match(text, /^net\.netfilter\.nf_conntrack_tcp_timeout_established = 86400$/m);
  });

  it('refuses remove: of a key the same playbook sets', () => {
    const host = hostWith(builtin618(), seed);
    assert.match(
      planPersist(spec.persist({ remove: ['max'] }), contextOf(host, first)).plan.refusal ?? '',
      /remove: lists max/,
    );
  });

  it('moving to sysctl_d carries the keys of the /etc/sysctl.conf block and drops that block (it is read later)', () => {
    const host = hostWith(builtin618(), seed);
    const one = applied(host, planPersist(spec.persist(), contextOf(host, first)).plan.changes);
    const { plan } = planPersist(spec.persist({ sysctl_d: true }), contextOf(one, second));
    assert.equal(plan.refusal, undefined);
    const two = applied(one, plan.changes);
    const dropIn = textOf(two, defaultSysctlDropIn);
    assert.match(dropIn, /^net\.netfilter\.nf_conntrack_max = 262144$/m);
    assert.match(dropIn, /^net\.netfilter\.nf_conntrack_udp_timeout = 60$/m);
    const conf = textOf(two, sysctlConf);
    assert.ok(!conf.includes(blockBegin), conf);
    assert.ok(
      conf.includes(`${disabledPrefix}net.netfilter.nf_conntrack_max = 65536`),
      'still managed, so still disabled',
    );
    const undone = applied(two, invertChanges(plan.changes));
    assert.equal(textOf(undone, sysctlConf), textOf(one, sysctlConf), 'rollback gives the block back byte for byte');
  });
});

describe('persist proves the sysctl block wins at boot', () => {
  it('sysctl_d with a winning /etc/sysctl.conf line comments it out (today: changed, and sysctl.conf wins)', () => {
    const host = hostWith(builtin618(), `${seed}vm.swappiness = 10\n`);
    const { plan } = planPersist(spec.persist({ sysctl_d: true }), contextOf(host, first));
    assert.equal(plan.refusal, undefined);
    const conf = plan.changes.find((c) => c.kind === 'file' && c.path === sysctlConf);
    assert.ok(conf?.kind === 'file' && conf.after);
    assert.equal(
      readBytesText(conf.after),
      `# tuned by hand\n${disabledPrefix}net.netfilter.nf_conntrack_max = 65536\nvm.swappiness = 10\n`,
    );
    assert.ok(
      plan.lines.some((l) =>
        /^\/etc\/sysctl\.conf:2 \(read as \/etc\/sysctl\.d\/99-sysctl\.conf\) sets .* wins over 262144: commented out$/.test(
          l,
        ),
      ),
      plan.lines.join('\n'),
    );
  });

  it('refuses /etc/sysctl.conf when nothing reads it at boot, before any change', () => {
    const host = hostWith(builtin618(), seed);
    host.bootConfig!.files = host.bootConfig!.files.filter((f) => f.path !== '/etc/sysctl.d/99-sysctl.conf');
    const { plan } = planPersist(spec.persist(), contextOf(host, first));
    assert.match(plan.refusal ?? '', /^\/etc\/sysctl\.conf is not read at boot/);
    assert.deepEqual(plan.changes, []);
  });

  it('refuses when the boot files were not gathered', () => {
    const host = hostWith(builtin618(), seed);
    host.bootConfig = null;
    assert.match(planPersist(spec.persist(), contextOf(host, first)).plan.refusal ?? '', /were not gathered/);
  });
});

describe('persist proves the modprobe.d hashsize wins at boot', () => {
  const theirs = '/etc/modprobe.d/nf_conntrack.conf';
  const line = 'options nf_conntrack expect_hashsize=262144 hashsize=262144';
  const withModprobe = (path: string, text: string) => {
    const host = hostWith(modular61Nft(), seed);
    host.bootConfig!.files.push(bootFile(path, { text }));
    return host;
  };

  it("comments out a later file's hashsize and keeps its other options (the field case)", () => {
    const host = withModprobe(theirs, `${line}\n`);
    const { plan } = planPersist(spec.persist(), contextOf(host, { ...first, targetHashsize: 65536 }));
    assert.equal(plan.refusal, undefined);
    const change = plan.changes.find((c) => c.kind === 'file' && c.path === theirs);
    assert.ok(change?.kind === 'file' && change.after);
    assert.equal(
      readBytesText(change.after),
      `${disabledPrefix}${line}\noptions nf_conntrack expect_hashsize=262144\n`,
    );
    assert.ok(plan.lines.some((l) => l.startsWith(`${theirs}:1 sets nf_conntrack hashsize=262144`)));
    const again = planPersist(
      spec.persist(),
      contextOf(applied(host, plan.changes), { ...first, targetHashsize: 65536 }),
    ).plan;
    assert.deepEqual(again.changes, [], 'idempotent');
  });

  it('checks the hashsize persisted by an earlier run too, and leaves an earlier file alone', () => {
    const host = withModprobe('/etc/modprobe.d/a-early.conf', 'options nf_conntrack hashsize=1\n');
    host.files[modprobeConfPath] = textFile('options nf_conntrack hashsize=65536\n');
    host.bootConfig!.files.push(bootFile('/run/modprobe.d/zz.conf', { text: 'options nf-conntrack hashsize=4096\n' }));
    const { plan } = planPersist(spec.persist(), contextOf(host, second));
    assert.match(
      plan.refusal ?? '',
      /^\/run\/modprobe\.d\/zz\.conf:1 sets nf_conntrack hashsize=4096 .* wins over 65536; it is not under \/etc/,
    );
  });

  it("refuses when this boot's kernel command line sets another hashsize (kmod applies it after modprobe.d)", () => {
    const host = withModprobe('/etc/modprobe.d/a-early.conf', '# none\n');
    host.bootConfig!.cmdlineHashsize = '16384';
    const { plan } = planPersist(spec.persist(), contextOf(host, { ...first, targetHashsize: 65536 }));
    assert.match(plan.refusal ?? '', /^the kernel command line sets nf_conntrack\.hashsize=16384, .* wins over 65536/);
    host.bootConfig!.cmdlineHashsize = '65536';
    assert.equal(
      planPersist(spec.persist(), contextOf(host, { ...first, targetHashsize: 65536 })).plan.refusal,
      undefined,
    );
  });

  it('remove: [hashsize] deletes our file and gives the other file its line back', () => {
    const host = withModprobe(theirs, `${line}\n`);
    const one = applied(
      host,
      planPersist(spec.persist(), contextOf(host, { ...first, targetHashsize: 65536 })).plan.changes,
    );
    one.files[modprobeConfPath] = one.bootConfig!.files.find((f) => f.path === modprobeConfPath)?.state ?? null;
    const { plan } = planPersist(spec.persist({ remove: ['hashsize'] }), contextOf(one, {}));
    const two = applied(one, plan.changes);
    assert.equal(readBytesText(two.bootConfig!.files.find((f) => f.path === theirs)!.state), `${line}\n`);
    assert.ok(plan.changes.some((c) => c.kind === 'file' && c.path === modprobeConfPath && c.after === null));
  });
});
