/**
 * persist through symlinked sysctl files on lab hosts (field case /work/shared/cases/symlink-sysctl-conf):
 *   lab1 /etc/sysctl.conf -> sysctl.d/99-sysctl.conf: the target is edited, the link stays; `rollback --last` exact
 *   lab2 Debian's /etc/sysctl.d/99-sysctl.conf -> ../sysctl.conf persisted to: /etc/sysctl.conf edited, link kept
 *   lab3 as lab1, and /etc/modules-load.d immutable: persist fails after the target was replaced, the run's own
 *        rollback restores the bytes and the link
 *   lab4 /etc/sysctl.conf a dangling link: refused before any change
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { useTestLab } from './lab-suite.js';
import { runCli } from './run-cli.js';
import {
  allFields,
  contentFields,
  diffEtc,
  execOk,
  readKnobs,
  snapshotEtc,
  type EtcSnapshot,
} from './run-host-state.js';
import { setImmutable } from './run-inject.js';
import {
  hostReport,
  labSkipWithout,
  linesOf,
  outcomesOf,
  requireReport,
  runPlaybook,
  stepReport,
  transcript,
  type RunOutcome,
  type TestLab,
} from './run-lab.js';

const portBase = 28740;
const real = '/etc/sysctl.d/99-sysctl.conf';
/** The field case's setup.sh: the real file in sysctl.d, /etc/sysctl.conf a relative link to it. */
const caseSetup =
  'cd /etc && rm -f sysctl.d/99-sysctl.conf && mv sysctl.conf sysctl.d/99-sysctl.conf && ln -s sysctl.d/99-sysctl.conf sysctl.conf';
const debianSetup = 'ln -sfn ../sysctl.conf /etc/sysctl.d/99-sysctl.conf';

async function playbook(t: TestLab, name: string, file: string): Promise<string> {
  const out = path.join(t.tmp, `${name}.yaml`);
  await writeFile(out, `hosts: all\nsteps:\n  - raise_max: {value: 262144}\n  - persist: {file: ${file}}\n`);
  return out;
}

const readlink = (t: TestLab, host: string, file: string) => execOk(t.lab, host, `test -L ${file} && readlink ${file}`);

describe(
  'persist through symlinked sysctl files, and exact rollback of the link',
  { skip: labSkipWithout('chattr') },
  () => {
    const t = useTestLab('run-symlink', 4, portBase);
    const etcBefore = new Map<string, EtcSnapshot>();
    const knobsBefore = new Map<string, Record<string, string>>();
    let run: RunOutcome;

    before(async () => {
      await Promise.all(['lab1', 'lab3'].map((h) => execOk(t.lab, h, caseSetup)));
      await execOk(t.lab, 'lab2', debianSetup);
      await execOk(t.lab, 'lab4', 'ln -sfn sysctl.d/missing.conf /etc/sysctl.conf');
      for (const host of ['lab1', 'lab2', 'lab3', 'lab4']) {
        etcBefore.set(host, await snapshotEtc(t.lab, host));
        knobsBefore.set(host, await readKnobs(t.lab, host));
      }
      await setImmutable(t.lab, 'lab3', '/etc/modules-load.d', true);
      try {
        run = await runPlaybook(t, await playbook(t, 'conf', '/etc/sysctl.conf'), [
          '--limit',
          'lab1:lab3:lab4',
          '-o',
          'plain',
        ]);
      } finally {
        await setImmutable(t.lab, 'lab3', '/etc/modules-load.d', false);
      }
    });

    it('lab1 changed, lab3 rolled back by its own failure, lab4 refused: exit 1', () => {
      assert.equal(run.cli.exitCode, 1, transcript(run.cli));
      assert.deepEqual(
        outcomesOf(requireReport(run)),
        { lab1: 'changed', lab3: 'rolled-back', lab4: 'failed' },
        transcript(run.cli),
      );
    });

    it('the link target is edited and the link stays a link (lab1)', async () => {
      assert.equal((await readlink(t, 'lab1', '/etc/sysctl.conf')).trim(), 'sysctl.d/99-sysctl.conf');
      assert.match(await execOk(t.lab, 'lab1', `cat ${real}`), /^net\.netfilter\.nf_conntrack_max = 262144$/m);
      const changed = diffEtc(etcBefore.get('lab1')!, await snapshotEtc(t.lab, 'lab1'), contentFields).map(
        (line) => line.split(':')[0],
      );
      assert.deepEqual(
        changed.sort(),
        ['/etc/modules-load.d/conntrack-fleet.conf', real],
        'only the target and the new modules-load.d file',
      );
    });

    it('the plan names the real path', () => {
      const lines = linesOf(run.cli.stdout, 'lab1').join('\n');
      assert.match(
        lines,
        /\/etc\/sysctl\.conf -> \/etc\/sysctl\.d\/99-sysctl\.conf: \d+ lines? changed/,
        transcript(run.cli),
      );
    });

    it('a failure after the target was replaced restores bytes and link exactly (lab3)', async () => {
      const lab3 = hostReport(requireReport(run), 'lab3');
      assert.deepEqual(lab3.rollback_mismatches, []);
      assert.match(stepReport(lab3, 'persist').error ?? '', /modules-load\.d/);
      assert.deepEqual(diffEtc(etcBefore.get('lab3')!, await snapshotEtc(t.lab, 'lab3'), contentFields), []);
      assert.equal((await readlink(t, 'lab3', '/etc/sysctl.conf')).trim(), 'sysctl.d/99-sysctl.conf');
      assert.deepEqual(await readKnobs(t.lab, 'lab3'), knobsBefore.get('lab3'));
    });

    it('a dangling link is refused before any change, with the reason (lab4)', async () => {
      const lab4 = hostReport(requireReport(run), 'lab4');
      assert.match(
        lab4.error ?? '',
        /^persist: \/etc\/sysctl\.conf is a symlink to \/etc\/sysctl\.d\/missing\.conf, which does not exist \(dangling link\): refusing to write through it$/,
      );
      assert.deepEqual(
        diffEtc(etcBefore.get('lab4')!, await snapshotEtc(t.lab, 'lab4'), allFields),
        [],
        'not even a temp file',
      );
      assert.deepEqual(await readKnobs(t.lab, 'lab4'), knobsBefore.get('lab4'), 'raise_max not applied either');
    });

    it('rollback --last restores lab1 exactly, the link included', async () => {
      const undo = await runCli(['rollback', '--last', '-i', t.lab.inventoryFile, '--limit', 'lab1', '-o', 'plain']);
      assert.equal(undo.exitCode, 0, transcript(undo));
      assert.deepEqual(diffEtc(etcBefore.get('lab1')!, await snapshotEtc(t.lab, 'lab1'), contentFields), []);
      assert.deepEqual(await readKnobs(t.lab, 'lab1'), knobsBefore.get('lab1'));
    });

    it("Debian's /etc/sysctl.d/99-sysctl.conf -> ../sysctl.conf stays a link when persisted to (lab2), and rolls back exactly", async () => {
      const debian = await runPlaybook(t, await playbook(t, 'dropin', real), ['--limit', 'lab2', '-o', 'plain']);
      assert.equal(debian.cli.exitCode, 0, transcript(debian.cli));
      assert.equal((await readlink(t, 'lab2', real)).trim(), '../sysctl.conf');
      assert.match(await execOk(t.lab, 'lab2', 'cat /etc/sysctl.conf'), /^net\.netfilter\.nf_conntrack_max = 262144$/m);
      assert.match(
        linesOf(debian.cli.stdout, 'lab2').join('\n'),
        /\/etc\/sysctl\.d\/99-sysctl\.conf -> \/etc\/sysctl\.conf:/,
      );
      const undo = await runCli(['rollback', '--last', '-i', t.lab.inventoryFile, '--limit', 'lab2', '-o', 'plain']);
      assert.equal(undo.exitCode, 0, transcript(undo));
      assert.deepEqual(diffEtc(etcBefore.get('lab2')!, await snapshotEtc(t.lab, 'lab2'), contentFields), []);
    });
  },
);
