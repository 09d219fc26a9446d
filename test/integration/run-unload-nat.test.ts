/**
 * `run` of unload_nat on 3 lab hosts at once:
 *   lab1 unused NAT chain → removed, in holder order · lab2 a reference appears mid-step (after some rmmods) → the
 *   removed modules are loaded back · lab3 a REAL `iptables -t nat … MASQUERADE` rule in its netns → refused, nothing removed.
 * Then a second run on lab1 finds nothing to unload.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  allFields,
  diffEtc,
  execOk,
  readModules,
  snapshotEtc,
  type EtcSnapshot,
  type LoadedModule,
} from './run-host-state.js';
import { installPause } from './run-inject.js';
import { useTestLab } from './lab-suite.js';
import {
  fixture,
  hostReport,
  labSkipWithout,
  linesOf,
  outcomesOf,
  requireReport,
  runPlaybook,
  stepReport,
  transcript,
  type RunOutcome,
} from './run-lab.js';

const portBase = 25300;
const playbook = fixture('unload-nat.yaml');
const hosts = ['lab1', 'lab2', 'lab3'];
/** Shared infrastructure the lab loads with the chain; unload_nat must leave it. */
const infrastructure = ['ip_tables', 'libcrc32c', 'x_tables'];
const masquerade = 'iptables -t nat -A POSTROUTING -j MASQUERADE';

const namesOf = (modules: LoadedModule[]): string[] => modules.map((m) => m.name).sort();
/** Load order may change after a reload; the set of modules and who holds whom must not. */
const graphOf = (modules: LoadedModule[]): string[] =>
  modules.map((m) => `${m.name} <- ${[...m.holders].sort().join(',')}`).sort();

/** `lab1: unload_nat: rmmod a, b, c; …` → [a, b, c] */
function removalOrder(stdout: string, host: string): string[] {
  const line = linesOf(stdout, host).find((l) => l.includes('unload_nat: rmmod '));
  assert.ok(line, `${host}: no "unload_nat: rmmod" line in:\n${stdout}`);
  return (/unload_nat: rmmod ([^;]+)/.exec(line)?.[1] ?? '').split(', ');
}

describe(
  'run unload_nat: holder order, rollback by reloading, refusal on a real NAT rule',
  { skip: labSkipWithout('iptables', 'iptables-save') },
  () => {
    const t = useTestLab('run-unload-nat', hosts.length, portBase);
    const modulesBefore = new Map<string, LoadedModule[]>();
    const etcBefore = new Map<string, EtcSnapshot>();
    let lab2MidRun: LoadedModule[] = [];
    let run: RunOutcome;

    before(async () => {
      await execOk(t.lab, 'lab3', masquerade);
      // lab2: the first `rmmod nf_conntrack` waits; meanwhile something takes a reference on nf_conntrack.
      const pause = await installPause(t.lab, 'lab2', 'rmmod', '[ "$1" = nf_conntrack ]', 'lab-kmod');
      for (const host of hosts) {
        modulesBefore.set(host, await readModules(t.lab, host));
        etcBefore.set(host, await snapshotEtc(t.lab, host));
      }
      const running = runPlaybook(t, playbook, ['-o', 'plain']);
      await pause.reached();
      lab2MidRun = await readModules(t.lab, 'lab2');
      await t.lab.setModuleUse('lab2', 'nf_conntrack', 1);
      await pause.release();
      run = await running;
    });

    it('exit 1: lab1 changed, lab2 rolled back, lab3 failed', () => {
      assert.equal(run.cli.exitCode, 1, transcript(run.cli));
      assert.deepEqual(outcomesOf(requireReport(run)), { lab1: 'changed', lab2: 'rolled-back', lab3: 'failed' });
    });

    it('lab1: none of the chain is left, shared infrastructure stays', async () => {
      const left = namesOf(await readModules(t.lab, 'lab1'));
      assert.deepEqual(left, infrastructure);
      const removed = namesOf(modulesBefore.get('lab1')!).filter((m) => !left.includes(m));
      assert.deepEqual(
        [...removalOrder(run.cli.stdout, 'lab1')].sort(),
        removed,
        'the report names every removed module',
      );
    });

    it('lab1: the removal order in the report lines respects holders (each module after everything holding it)', () => {
      const order = removalOrder(run.cli.stdout, 'lab1');
      for (const module of modulesBefore.get('lab1')!) {
        const at = order.indexOf(module.name);
        if (at < 0) continue;
        for (const holder of module.holders) {
          const why = `${holder} holds ${module.name} but is not removed before it: ${order.join(', ')}`;
          assert.ok(order.includes(holder) && order.indexOf(holder) < at, why);
        }
      }
      const report = stepReport(hostReport(requireReport(run), 'lab1'), 'unload_nat');
      assert.deepEqual(report.before, { modules: order });
      assert.deepEqual(report.after, { modules: [] });
    });

    it('lab2: modules WERE removed before the failure, and the rollback loaded them back (same holder graph)', async () => {
      const missingMidRun = namesOf(modulesBefore.get('lab2')!).filter((m) => !namesOf(lab2MidRun).includes(m));
      assert.ok(
        missingMidRun.length > 0 && !missingMidRun.includes('nf_conntrack'),
        `removed before the pause: ${missingMidRun.join(', ')}`,
      );
      const result = hostReport(requireReport(run), 'lab2');
      assert.equal(result.outcome, 'rolled-back');
      assert.match(
        result.error ?? '',
        /^unload_nat: rmmod: ERROR: Module nf_conntrack is in use — likely cause: another module, a rule or a process still holds it$/,
      );
      assert.deepEqual(result.rollback_mismatches, []);
      const now = await readModules(t.lab, 'lab2');
      assert.deepEqual(graphOf(now), graphOf(modulesBefore.get('lab2')!));
    });

    it('lab3: refused because of the real MASQUERADE rule; nothing removed, the rule still there', async () => {
      const result = hostReport(requireReport(run), 'lab3');
      assert.equal(result.outcome, 'failed');
      assert.match(result.error ?? '', /NAT\/conntrack rules are in use \(.*-A POSTROUTING -j MASQUERADE.*\)/);
      assert.equal(stepReport(result, 'unload_nat').outcome, 'failed');
      assert.deepEqual(graphOf(await readModules(t.lab, 'lab3')), graphOf(modulesBefore.get('lab3')!));
      assert.match(await execOk(t.lab, 'lab3', 'iptables-save -t nat'), /^-A POSTROUTING -j MASQUERADE$/m);
    });

    it('no host had a file under /etc touched', async () => {
      for (const host of hosts)
        assert.deepEqual(diffEtc(etcBefore.get(host)!, await snapshotEtc(t.lab, host), allFields), [], host);
    });

    it('a second run on lab1 has nothing to unload: unchanged, exit 0', async () => {
      const second = await runPlaybook(t, playbook, ['--limit', 'lab1']);
      assert.equal(second.cli.exitCode, 0, transcript(second.cli));
      const result = hostReport(requireReport(second), 'lab1');
      assert.equal(result.outcome, 'unchanged');
      assert.equal(stepReport(result, 'unload_nat').outcome, 'unchanged');
      // The lab cannot make /sys/module/nf_conntrack vanish (the real kernel has it built in), so with nf_conntrack gone
      // from lsmod the tool sees a built-in one: "not applicable". On a modular host: "no NAT/conntrack module is loaded".
      const line =
        /unload_nat: (not applicable: nf_conntrack is built into the kernel|no NAT\/conntrack module is loaded) unchanged$/m;
      assert.match(linesOf(second.cli.stdout, 'lab1').join('\n'), line);
      assert.deepEqual(namesOf(await readModules(t.lab, 'lab1')), infrastructure);
    });
  },
);
