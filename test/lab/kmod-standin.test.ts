import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const script = fileURLToPath(new URL('./kmod-standin.sh', import.meta.url));
const chain = [
  'ip_tables',
  'ipt_MASQUERADE',
  'iptable_nat',
  'libcrc32c',
  'nf_conntrack',
  'nf_defrag_ipv4',
  'nf_defrag_ipv6',
  'nf_nat',
  'x_tables',
];

interface Run {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** A fake host: the stand-in's state, sysctl dir, hashsize file and modprobe.d all live in a temp dir. */
function createStandinHost(): {
  run(command: string): Run;
  loaded(): string[];
  read(file: string): string;
  dir: string;
} {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kmod-standin-'));
  const bin = path.join(dir, 'bin');
  for (const sub of ['bin', 'sys', 'modprobe.d']) mkdirSync(path.join(dir, sub));
  for (const name of ['lsmod', 'rmmod', 'modprobe', 'lab-kmod']) symlinkSync(script, path.join(bin, name));
  writeFileSync(path.join(dir, 'sys', 'nf_conntrack_tcp_timeout_established'), '432000\n');
  const env = {
    PATH: `${bin}:/usr/bin:/bin`,
    LAB_KMOD_STATE_DIR: path.join(dir, 'state'),
    LAB_KMOD_SYSCTL_DIR: path.join(dir, 'sys'),
    LAB_KMOD_HASHSIZE_FILE: path.join(dir, 'hashsize'),
    LAB_KMOD_MODPROBE_D: path.join(dir, 'modprobe.d'),
  };
  const run = (command: string): Run => {
    const result = spawnSync('sh', ['-c', command], { env, encoding: 'utf8' });
    return { exitCode: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  assert.equal(run('lab-kmod init').exitCode, 0);
  const loaded = (): string[] =>
    run('lsmod')
      .stdout.trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s+/)[0] ?? '')
      .sort();
  return { run, loaded, read: (file) => readFileSync(path.join(dir, file), 'utf8'), dir };
}

function withHost(test: (host: ReturnType<typeof createStandinHost>) => void): () => void {
  return () => {
    const host = createStandinHost();
    try {
      test(host);
    } finally {
      rmSync(host.dir, { recursive: true, force: true });
    }
  };
}

describe('kmod stand-in: lsmod', () => {
  it(
    "prints the default NAT chain in kmod's format, newest first, holders in load order",
    withHost((host) => {
      const lines = host.run('lsmod').stdout.split('\n');
      assert.equal(lines[0], 'Module                  Size  Used by');
      const rows = lines.slice(1, -1).map((line) => line.split(/\s+/));
      assert.deepEqual(rows.map((row) => row[0]).sort(), chain);
      assert.deepEqual([rows[0]?.[0], rows.at(-1)?.[0]], ['ipt_MASQUERADE', 'x_tables']);
      for (const line of lines.slice(1, -1)) {
        const [name = '', size = '', count = '', holders] = line.split(/\s+/);
        const rendered = `${name.padEnd(19)} ${size.padStart(8)}  ${count}${holders ? ` ${holders}` : ''}`;
        assert.equal(line, rendered);
        assert.equal(Number(count), holders ? holders.split(',').length : 0);
      }
      const holdersOf = Object.fromEntries(rows.map((row) => [row[0], row[3] ?? '']));
      assert.deepEqual(holdersOf, {
        ipt_MASQUERADE: '',
        iptable_nat: '',
        nf_nat: 'iptable_nat,ipt_MASQUERADE',
        nf_conntrack: 'nf_nat,ipt_MASQUERADE',
        libcrc32c: 'nf_conntrack,nf_nat',
        nf_defrag_ipv6: 'nf_conntrack',
        nf_defrag_ipv4: 'nf_conntrack',
        ip_tables: 'iptable_nat',
        x_tables: 'ip_tables,ipt_MASQUERADE',
      });
    }),
  );
});

describe('kmod stand-in: rmmod', () => {
  const cases: { name: string; command: string; exitCode: number; stderr: string; loaded: string[] }[] = [
    {
      name: 'refuses a module in use, naming its holders',
      command: 'rmmod nf_conntrack',
      exitCode: 1,
      stderr: 'rmmod: ERROR: Module nf_conntrack is in use by: nf_nat ipt_MASQUERADE\n',
      loaded: chain,
    },
    {
      name: 'refuses a module that is not loaded',
      command: 'rmmod nf_conntrack_netlink',
      exitCode: 1,
      stderr: 'rmmod: ERROR: Module nf_conntrack_netlink is not currently loaded\n',
      loaded: chain,
    },
    {
      name: 'needs a name',
      command: 'rmmod',
      exitCode: 1,
      stderr: 'rmmod: ERROR: missing module name.\n',
      loaded: chain,
    },
    {
      name: 'removes in dependency order',
      exitCode: 0,
      stderr: '',
      command:
        'rmmod ipt_MASQUERADE iptable_nat nf_nat nf_conntrack nf_defrag_ipv6 nf_defrag_ipv4 libcrc32c ip_tables x_tables',
      loaded: [],
    },
    {
      name: 'goes on after a refusal, in the order given',
      command: 'rmmod nf_conntrack ipt_MASQUERADE',
      exitCode: 1,
      stderr: 'rmmod: ERROR: Module nf_conntrack is in use by: nf_nat ipt_MASQUERADE\n',
      loaded: chain.filter((m) => m !== 'ipt_MASQUERADE'),
    },
  ];
  for (const c of cases) {
    it(
      c.name,
      withHost((host) => {
        const result = host.run(c.command);
        assert.deepEqual([result.exitCode, result.stderr], [c.exitCode, c.stderr]);
        assert.deepEqual(host.loaded(), c.loaded);
      }),
    );
  }
});

describe('kmod stand-in: modprobe', () => {
  const release = os.release();
  const cases: { name: string; command: string; exitCode: number; stderr: string; loaded: string[] }[] = [
    {
      name: 'fails on an unknown module like kmod 30',
      command: 'modprobe nf_conntrack_ipv4',
      exitCode: 1,
      stderr: `modprobe: FATAL: Module nf_conntrack_ipv4 not found in directory /lib/modules/${release}\n`,
      loaded: chain,
    },
    { name: 'is silent with -q', command: 'modprobe -q nf_conntrack_ipv4', exitCode: 1, stderr: '', loaded: chain },
    { name: 'is silent for a loaded module', command: 'modprobe nf_conntrack', exitCode: 0, stderr: '', loaded: chain },
    {
      name: 'loads a module and its dependencies',
      command: 'modprobe nf_conntrack_netlink',
      exitCode: 0,
      stderr: '',
      loaded: [...chain, 'nf_conntrack_netlink', 'nfnetlink'].sort(),
    },
    {
      name: 'refuses -r of a module in use',
      command: 'modprobe -r nf_conntrack',
      exitCode: 1,
      stderr: 'modprobe: FATAL: Module nf_conntrack is in use.\n',
      loaded: chain,
    },
    {
      name: 'refuses -r of an unknown module',
      command: 'modprobe -r nosuch',
      exitCode: 1,
      stderr: 'modprobe: FATAL: Module nosuch not found.\n',
      loaded: chain,
    },
    {
      name: 'ignores -r of a known module that is not loaded',
      command: 'modprobe -r xt_conntrack',
      exitCode: 0,
      stderr: '',
      loaded: chain,
    },
    {
      name: '-r removes dependencies nothing else uses',
      command: 'modprobe -r iptable_nat',
      exitCode: 0,
      stderr: '',
      loaded: chain.filter((m) => m !== 'iptable_nat' && m !== 'ip_tables'),
    },
    {
      name: '-r of the whole chain unloads everything',
      command: 'modprobe -r iptable_nat ipt_MASQUERADE',
      exitCode: 0,
      stderr: '',
      loaded: [],
    },
  ];
  for (const c of cases) {
    it(
      c.name,
      withHost((host) => {
        const result = host.run(c.command);
        assert.deepEqual([result.exitCode, result.stderr], [c.exitCode, c.stderr]);
        assert.deepEqual(host.loaded(), c.loaded);
      }),
    );
  }

  it(
    'restores the chain after removal, resetting knobs and timeouts as a fresh module would',
    withHost((host) => {
      writeFileSync(path.join(host.dir, 'sys', 'nf_conntrack_tcp_timeout_established'), '600\n');
      writeFileSync(path.join(host.dir, 'modprobe.d', 'conntrack.conf'), 'options nf_conntrack hashsize=32768\n');
      assert.equal(
        host.run('modprobe -r iptable_nat ipt_MASQUERADE && modprobe iptable_nat && modprobe ipt_MASQUERADE').exitCode,
        0,
      );
      assert.deepEqual(host.loaded(), chain);
      assert.equal(host.read('hashsize'), '32768\n');
      assert.equal(host.read('sys/nf_conntrack_buckets'), '32768\n');
      assert.equal(host.read('sys/nf_conntrack_max'), `${8 * 32768}\n`);
      assert.equal(host.read('sys/nf_conntrack_count'), '0\n');
      assert.equal(host.read('sys/nf_conntrack_tcp_timeout_established'), '432000\n');
    }),
  );
});

describe('kmod stand-in: lab-kmod use', () => {
  it(
    'adds a use count without a holder name, which rmmod and modprobe -r respect',
    withHost((host) => {
      host.run('rmmod ipt_MASQUERADE iptable_nat nf_nat');
      assert.equal(host.run('lab-kmod use nf_conntrack 2').exitCode, 0);
      assert.match(host.run('lsmod').stdout, /^nf_conntrack {10}176128 {2}2$/m);
      assert.equal(host.run('rmmod nf_conntrack').stderr, 'rmmod: ERROR: Module nf_conntrack is in use\n');
      assert.equal(host.run('modprobe -r nf_conntrack').stderr, 'modprobe: FATAL: Module nf_conntrack is in use.\n');
      assert.equal(host.run('lab-kmod use nf_conntrack 0 && rmmod nf_conntrack').exitCode, 0);
      assert.equal(host.run('lab-kmod use nf_conntrack 1').stderr, 'lab-kmod: module nf_conntrack is not loaded\n');
    }),
  );
});
