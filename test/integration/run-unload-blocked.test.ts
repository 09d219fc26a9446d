/**
 * unload_nat on lab hosts whose modprobe.d would keep the undo from loading a module again: refused before any
 * module is removed, naming the blocking FILE:LINE; nothing changes (modules, /etc). The boot-config fact must
 * carry the file's bytes for this, also when the install line does not mention conntrack (lab2: nf_nat).
 *   lab1 /etc/modprobe.d/no-conntrack.conf: blacklist + `install nf_conntrack /bin/false`
 *   lab2 /etc/modprobe.d/no-nat.conf: `install nf_nat /bin/true`
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
import { useTestLab } from './lab-suite.js';
import { fixture, hostReport, labSkipWithout, runPlaybook, transcript, type RunOutcome } from './run-lab.js';

const portBase = 28100;
const playbook = fixture('unload-nat.yaml');
const blocking: Record<string, { file: string; text: string; line: RegExp }> = {
  lab1: {
    file: '/etc/modprobe.d/no-conntrack.conf',
    text: 'blacklist nf_conntrack\ninstall nf_conntrack /bin/false\n',
    line: /nf_conntrack: \/etc\/modprobe\.d\/no-conntrack\.conf:2 "install nf_conntrack \/bin\/false" \(blacklisted at \/etc\/modprobe\.d\/no-conntrack\.conf:1\)/,
  },
  lab2: {
    file: '/etc/modprobe.d/no-nat.conf',
    text: '# NAT is not allowed here\ninstall nf_nat /bin/true\n',
    line: /nf_nat: \/etc\/modprobe\.d\/no-nat\.conf:2 "install nf_nat \/bin\/true"/,
  },
};
const hosts = Object.keys(blocking);

describe(
  'run unload_nat: refused when modprobe.d would keep the undo from reloading a module',
  { skip: labSkipWithout('iptables', 'iptables-save') },
  () => {
    const t = useTestLab('run-unload-blocked', hosts.length, portBase);
    const modulesBefore = new Map<string, LoadedModule[]>();
    const etcBefore = new Map<string, EtcSnapshot>();
    let run: RunOutcome;

    before(async () => {
      for (const host of hosts) {
        const { file, text } = blocking[host] ?? { file: '', text: '' };
        await execOk(t.lab, host, `mkdir -p /etc/modprobe.d && printf '%s' '${text}' > ${file}`);
        modulesBefore.set(host, await readModules(t.lab, host));
        etcBefore.set(host, await snapshotEtc(t.lab, host));
      }
      run = await runPlaybook(t, playbook, ['-o', 'plain']);
    });

    it('exit 1; each host refused with the blocking FILE:LINE', () => {
      assert.equal(run.cli.exitCode, 1, transcript(run.cli));
      assert.ok(run.report, transcript(run.cli));
      for (const host of hosts) {
        const report = hostReport(run.report, host);
        assert.equal(report.outcome, 'failed', transcript(run.cli));
        assert.match(report.error ?? '', /the undo could not load the modules again: /);
        assert.match(report.error ?? '', blocking[host]?.line ?? /never/);
      }
    });

    for (const host of hosts) {
      it(`${host}: no module removed, /etc unchanged`, async () => {
        assert.deepEqual(await readModules(t.lab, host), modulesBefore.get(host));
        assert.deepEqual(diffEtc(etcBefore.get(host) ?? new Map(), await snapshotEtc(t.lab, host), allFields), []);
      });
    }
  },
);
