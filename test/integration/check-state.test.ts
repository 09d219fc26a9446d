/**
 * `check --output json` against 5 lab hosts in one run: each host is put in a known state directly (lab.exec), and
 * the report must say exactly what the hosts say when read directly, over ONE connection and ONE session per host.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CheckJson } from '../../src/report/check-json.js';
import { labSkipReason } from '../lab/lab.js';
import { parseLsmod, readExpectedCheck, readNumber, reportedFields, type ExpectedCheck } from './check-host-state.js';
import {
  byHost,
  checkJson,
  countContacts,
  exec,
  onceEach,
  startCheckLab,
  statsStandinFile,
  type CheckLab,
  type SshdTally,
} from './check-lab.js';
import type { CliResult } from './run-cli.js';

const skipReason = labSkipReason();
const portBase = 24000;
const nf = '/proc/sys/net/netfilter';
const hashsize = '/sys/module/nf_conntrack/parameters/hashsize';

interface HostSetup {
  /** Run inside the host (lab.exec) before the check. */
  script: string;
  /** What reading the host directly must show afterwards, to prove the setup took: file → value. */
  reads: Record<string, number>;
  modulesGone?: string[];
  modulesAdded?: string[];
  /** Added to the host's conntrack stats stand-in (lab.addDrops): column → amount. */
  stats?: Record<string, number>;
  masquerade: boolean;
}

const setups: Record<string, HostSetup> = {
  lab1: {
    script: [
      'sysctl -q -w net.netfilter.nf_conntrack_max=262144',
      `echo 5000 > ${nf}/nf_conntrack_count`,
      `echo 131072 > ${hashsize}`,
      'sysctl -q -w net.netfilter.nf_conntrack_tcp_timeout_established=7200',
      'iptables -t nat -A POSTROUTING -j MASQUERADE',
    ].join(' && '),
    reads: {
      [`${nf}/nf_conntrack_max`]: 262144,
      [`${nf}/nf_conntrack_count`]: 5000,
      [hashsize]: 131072,
      [`${nf}/nf_conntrack_buckets`]: 131072,
      [`${nf}/nf_conntrack_tcp_timeout_established`]: 7200,
    },
    masquerade: true,
  },
  lab2: {
    script: [
      'rmmod ipt_MASQUERADE iptable_nat',
      `echo 1000 > ${nf}/nf_conntrack_max`,
      `echo 950 > ${nf}/nf_conntrack_count`,
      'sysctl -q -w net.netfilter.nf_conntrack_udp_timeout=45',
    ].join(' && '),
    reads: {
      [`${nf}/nf_conntrack_max`]: 1000,
      [`${nf}/nf_conntrack_count`]: 950,
      [`${nf}/nf_conntrack_udp_timeout`]: 45,
    },
    modulesGone: ['ipt_MASQUERADE', 'iptable_nat'],
    masquerade: false,
  },
  lab3: {
    script: 'rmmod ipt_MASQUERADE iptable_nat nf_nat ip_tables x_tables nf_conntrack nf_defrag_ipv4 nf_defrag_ipv6',
    reads: {},
    modulesGone: [
      'ipt_MASQUERADE',
      'iptable_nat',
      'nf_nat',
      'ip_tables',
      'x_tables',
      'nf_conntrack',
      'nf_defrag_ipv4',
      'nf_defrag_ipv6',
    ],
    masquerade: false,
  },
  lab4: {
    script: 'modprobe nf_conntrack_netlink && sysctl -q -w net.netfilter.nf_conntrack_tcp_timeout_time_wait=30',
    reads: { [`${nf}/nf_conntrack_tcp_timeout_time_wait`]: 30 },
    modulesAdded: ['nf_conntrack_netlink', 'nfnetlink'],
    stats: { drop: 5, early_drop: 3, insert_failed: 2 },
    masquerade: false,
  },
  lab5: { script: 'true', reads: {}, masquerade: false },
};
const hostNames = Object.keys(setups);

describe(
  'check --output json: exactly the state of each of 5 hosts, one connection each',
  { skip: skipReason ?? false },
  () => {
    let checkLab: CheckLab;
    let run: CliResult;
    let reported: Map<string, CheckJson>;
    let order: string[];
    let contacts: Record<string, SshdTally>;
    const expected = new Map<string, ExpectedCheck>();

    before(async () => {
      checkLab = await startCheckLab(hostNames.length, portBase);
      const { lab } = checkLab;
      await Promise.all(hostNames.map((host) => exec(lab, host, setups[host]?.script ?? 'false')));
      for (const [host, setup] of Object.entries(setups)) {
        for (const [column, amount] of Object.entries(setup.stats ?? {})) await lab.addDrops(host, amount, column);
      }
      for (const host of hostNames) {
        expected.set(host, await readExpectedCheck(lab, host, (await statsStandinFile(lab, host)) ?? undefined));
      }
      contacts = await countContacts(lab, async () => {
        const answer = await checkJson(['-i', lab.inventoryFile]);
        run = answer.result;
        reported = byHost(answer.hosts);
        order = answer.hosts.map((h) => h.host);
      });
    });

    after(async () => {
      await checkLab?.down();
    });

    it('the setup took: reading the hosts directly shows the values written, modules removed and added, the NAT rule', async () => {
      const { lab } = checkLab;
      for (const [host, setup] of Object.entries(setups)) {
        for (const [file, value] of Object.entries(setup.reads))
          assert.equal(await readNumber(lab, host, file), value, `${host} ${file}`);
        const modules = new Set(parseLsmod(await exec(lab, host, 'lsmod')).map((m) => m.name));
        for (const gone of setup.modulesGone ?? []) assert.ok(!modules.has(gone), `${host}: ${gone} still loaded`);
        for (const added of setup.modulesAdded ?? []) assert.ok(modules.has(added), `${host}: ${added} not loaded`);
        assert.equal(expected.get(host)?.nat_rules_in_use, setup.masquerade, `${host}: MASQUERADE rule`);
        const stats = expected.get(host)?.conntrack?.stats;
        assert.deepEqual(
          stats,
          { drop: 0, early_drop: 0, insert_failed: 0, ...setup.stats },
          `${host}: stats as read directly`,
        );
      }
    });

    it('exits 1 (lab2 at 95 % and lab4 with drops are problems) and lists every host once, in inventory order', () => {
      assert.equal(run.exitCode, 1, run.stderr);
      assert.deepEqual(
        [...reported.values()].filter((h) => h.alarm).map((h) => h.host),
        ['lab2', 'lab4'],
      );
      assert.deepEqual(order, hostNames);
    });

    for (const host of hostNames) {
      it(`${host}: host, reachable, error, kernel, conntrack, modules, nat_rules_in_use, kube_proxy are exactly what the host says`, () => {
        const json = reported.get(host);
        assert.ok(json, `${host} missing from the report`);
        assert.deepEqual(reportedFields(json), expected.get(host));
      });
    }

    it('shows the distinguishing facts: MASQUERADE evidence, 95 % usage, no modules, holders as lsmod lists them, drops', () => {
      assert.ok(reported.get('lab1')?.nat_rule_evidence.some((line) => /-A POSTROUTING -j MASQUERADE/.test(line)));
      assert.deepEqual(reported.get('lab2')?.nat_rule_evidence, []);
      assert.equal(reported.get('lab2')?.conntrack?.usage_percent, 95);
      assert.deepEqual(reported.get('lab3')?.modules, []);
      assert.equal(reported.get('lab3')?.conntrack?.presence, expected.get('lab3')?.conntrack?.presence);
      const lab4Conntrack = reported.get('lab4')?.modules.find((m) => m.name === 'nf_conntrack');
      assert.ok(lab4Conntrack?.used_by.includes('nf_conntrack_netlink'), JSON.stringify(lab4Conntrack));
      assert.deepEqual(reported.get('lab4')?.conntrack?.stats, { drop: 5, early_drop: 3, insert_failed: 2 });
    });

    it('opened ONE SSH connection and ran ONE session (one round trip) per host', () => {
      assert.deepEqual(contacts, onceEach(checkLab.lab, hostNames));
    });
  },
);
