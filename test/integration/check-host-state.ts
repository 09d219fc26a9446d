/**
 * Reads a lab host's conntrack state DIRECTLY (lab.exec inside its namespaces, never through the tool) and turns it
 * into the fields `check --output json` must report for that host.
 */
import type { CheckJson } from '../../src/report/check-json.js';
import type { Lab } from '../lab/lab.js';
import { exec } from './check-lab.js';

export type ExpectedCheck = Pick<
  CheckJson,
  'host' | 'reachable' | 'error' | 'kernel' | 'conntrack' | 'modules' | 'nat_rules_in_use' | 'kube_proxy'
>;

export const procStatFile = '/proc/net/stat/nf_conntrack';
const netfilterDir = '/proc/sys/net/netfilter';
const hashsizeFile = '/sys/module/nf_conntrack/parameters/hashsize';
/** The conntrack / NAT / packet-filter chain; other modules (libcrc32c …) are not reported. */
const netfilterModule = /^(nf_|nft_|xt_|ipt_|ip6t_|iptable_|ip6table_)|^(ip_tables|ip6_tables|x_tables)$/;

/** Only the fields a test compares: the same keys as ExpectedCheck, taken from the tool's answer. */
export function reportedFields(json: CheckJson): ExpectedCheck {
  const { host, reachable, error, kernel, conntrack, modules, nat_rules_in_use, kube_proxy } = json;
  return { host, reachable, error, kernel, conntrack, modules, nat_rules_in_use, kube_proxy };
}

export async function readNumber(lab: Lab, host: string, file: string): Promise<number> {
  const text = (await exec(lab, host, `cat ${file}`)).trim();
  if (!/^\d+$/.test(text)) throw new Error(`${host}: ${file} holds ${JSON.stringify(text)}, not a number`);
  return Number(text);
}

/** @param statFile the stats file the tool's session reads (a lab stand-in, or the real per-netns one). */
export async function readExpectedCheck(lab: Lab, host: string, statFile = procStatFile): Promise<ExpectedCheck> {
  const lsmod = parseLsmod(await exec(lab, host, 'lsmod'));
  const count = await readNumber(lab, host, `${netfilterDir}/nf_conntrack_count`);
  const max = await readNumber(lab, host, `${netfilterDir}/nf_conntrack_max`);
  return {
    host,
    reachable: true,
    error: null,
    kernel: (await exec(lab, host, 'uname -r')).trim(),
    conntrack: {
      presence: await readPresence(lab, host, lsmod),
      count,
      max,
      buckets: await readNumber(lab, host, `${netfilterDir}/nf_conntrack_buckets`),
      hashsize: await readNumber(lab, host, hashsizeFile),
      usage_percent: Math.round((count / max) * 1000) / 10,
      timeouts: await readTimeouts(lab, host),
      stats: await readStats(lab, host, statFile),
    },
    modules: lsmod.filter((m) => netfilterModule.test(m.name)),
    nat_rules_in_use: /^-A .*-j (MASQUERADE|SNAT|DNAT)\b/m.test(await exec(lab, host, 'iptables-save')),
    kube_proxy: (await exec(lab, host, kubeProxyScript)).trim() === 'yes',
  };
}

interface LsmodModule {
  name: string;
  used_by: string[];
}

/** `Module Size Used by` then `name size count [a,b]`, in lsmod's order. */
export function parseLsmod(text: string): LsmodModule[] {
  return text
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [name = '', , , holders] = line.trim().split(/\s+/);
      return { name, used_by: holders ? holders.split(',') : [] };
    });
}

async function readPresence(lab: Lab, host: string, lsmod: LsmodModule[]): Promise<'module' | 'builtin' | 'absent'> {
  if (lsmod.some((m) => m.name === 'nf_conntrack')) return 'module';
  const sysModule = (await lab.exec(host, 'test -d /sys/module/nf_conntrack')).exitCode === 0;
  return sysModule ? 'builtin' : 'absent';
}

async function readTimeouts(lab: Lab, host: string): Promise<Record<string, number>> {
  const text = await exec(
    lab,
    host,
    `for f in ${netfilterDir}/nf_conntrack_*timeout*; do echo "\${f##*/} $(cat "$f")"; done`,
  );
  const entries = text
    .trim()
    .split('\n')
    .map((line) => line.split(' '))
    .map(([name = '', value = '']) => [name.replace(/^nf_conntrack_/, ''), Number(value)] as const);
  return Object.fromEntries(entries);
}

type Stats = NonNullable<CheckJson['conntrack']>['stats'];

/** Sums the hex per-CPU rows of a /proc/net/stat/nf_conntrack-format file; all null when the file is absent. */
async function readStats(lab: Lab, host: string, file: string): Promise<Stats> {
  const result = await lab.exec(host, `cat ${file}`);
  if (result.exitCode !== 0) return { drop: null, early_drop: null, insert_failed: null };
  const [header = '', ...rows] = result.stdout.trim().split('\n');
  const columns = header.trim().split(/\s+/);
  const sum = (column: string): number => {
    const index = columns.indexOf(column);
    return rows.reduce((total, row) => total + parseInt(row.trim().split(/\s+/)[index] ?? '0', 16), 0);
  };
  return { drop: sum('drop'), early_drop: sum('early_drop'), insert_failed: sum('insert_failed') };
}

/** /proc is the machine's (hosts have no pid namespace): a kube-proxy anywhere would show on every host. */
const kubeProxyScript =
  'for f in /proc/[0-9]*/comm; do { read -r c < "$f"; } 2>/dev/null && [ "$c" = kube-proxy ] && echo yes && break; done; true';
