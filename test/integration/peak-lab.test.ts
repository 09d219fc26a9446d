/**
 * The peak file on lab hosts (docs/sizing.md): `check` keeps the highest nf_conntrack_count in
 * /var/lib/conntrack-fleet/journal/peak in its one round trip, a lower count does not lower it, `--no-peak` writes
 * nothing, `watch` keeps it too, a login without root (no become) skips it and says so with -v, and `advise` sizes for
 * the peak (and not for one older than --peak-max-age-days).
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import type { AdviseHostJson } from '../../src/report/advise-json.js';
import type { CheckJson } from '../../src/report/check-json.js';
import { labSkipReason } from '../lab/lab.js';
import { addLabSudoUsers, labSudoUsers } from '../lab/sudo-users.js';
import { byHost, checkJson, countContacts, exec, onceEach, startCheckLab, type CheckLab } from './check-lab.js';
import { runCli } from './run-cli.js';

const skipReason = labSkipReason();
const portBase = 29760;
const nf = '/proc/sys/net/netfilter';
const peakFile = '/var/lib/conntrack-fleet/journal/peak';
/** The file's bytes, mode and inode: a rewrite with the same bytes still shows (a new inode). */
const fileState = `if [ -e ${peakFile} ]; then stat -c '%a %i' ${peakFile}; cat ${peakFile}; else echo absent; fi`;

describe('the peak file on lab hosts: check and watch keep it, advise uses it', { skip: skipReason ?? false }, () => {
  let checkLab: CheckLab;
  const setCount = (host: string, count: number) =>
    exec(checkLab.lab, host, `echo ${count} > ${nf}/nf_conntrack_count`);
  const peakOf = (host: string) => exec(checkLab.lab, host, fileState);
  const check = async (args: string[] = []) => {
    const { result, hosts } = await checkJson(['-i', checkLab.lab.inventoryFile, ...args]);
    assert.equal(result.exitCode, 0, result.stderr);
    return { result, hosts: byHost(hosts) };
  };

  before(async () => {
    checkLab = await startCheckLab(3, portBase);
  });

  after(async () => {
    await checkLab?.down();
  });

  it('check writes the count as the peak, in its one connection and one session per host', async () => {
    const startS = Math.floor(Date.now() / 1000);
    let hosts = new Map<string, CheckJson>();
    const contacts = await countContacts(checkLab.lab, async () => {
      hosts = (await check()).hosts;
    });
    assert.deepEqual(contacts, onceEach(checkLab.lab, ['lab1', 'lab2', 'lab3']));
    const [stat = '', line = ''] = (await peakOf('lab1')).split('\n');
    assert.equal(stat.split(' ')[0], '600');
    const [count, at, source] = line.split(' ');
    assert.deepEqual([count, source], ['1200', 'check'], line);
    assert.ok(Number(at) >= startS && Number(at) <= Date.now() / 1000 + 1, `time ${at}`);
    assert.equal(
      (
        await exec(
          checkLab.lab,
          'lab1',
          'stat -c %a /var/lib/conntrack-fleet/journal; ls -A /var/lib/conntrack-fleet/journal',
        )
      ).trim(),
      '700\npeak',
    );
    assert.deepEqual(hosts.get('lab2')?.peak, {
      count: 2400,
      at: new Date(Number(at) * 1000).toISOString(),
      source: 'check',
      write: 'wrote',
      read: 'none',
    });
  });

  it('a lower count does not lower it: the file is not even rewritten', async () => {
    const before = await peakOf('lab1');
    await setCount('lab1', 800);
    const { hosts } = await check(['--limit', 'lab1']);
    assert.equal(await peakOf('lab1'), before);
    assert.equal(hosts.get('lab1')?.peak?.count, 1200);
    assert.equal(hosts.get('lab1')?.peak?.write, 'not-higher');
  });

  it('a higher count raises it', async () => {
    await setCount('lab1', 5000);
    await check(['--limit', 'lab1']);
    assert.match(await peakOf('lab1'), /\n5000 \d+ check\n$/);
  });

  it('--no-peak writes nothing, not even the directory; the kept peak is still reported; -v says so', async () => {
    const before = await peakOf('lab1');
    await setCount('lab1', 9000);
    // /var/lib/conntrack-fleet is the lab host's own mount: empty it, as a host that was never checked
    await exec(checkLab.lab, 'lab3', 'rm -rf /var/lib/conntrack-fleet/journal');
    await setCount('lab3', 9000);
    const { result, hosts } = await check(['--no-peak', '-v', '--limit', 'lab1:lab3']);
    assert.equal(await peakOf('lab1'), before);
    assert.equal((await exec(checkLab.lab, 'lab3', 'ls -A /var/lib/conntrack-fleet')).trim(), '');
    assert.deepEqual([hosts.get('lab1')?.peak?.count, hosts.get('lab1')?.peak?.write], [5000, 'off']);
    assert.match(
      result.stderr,
      /^lab1: peak 5000 \(.*, check\) in \/var\/lib\/conntrack-fleet\/journal\/peak: not written \(--no-peak\)$/m,
    );
    assert.match(result.stderr, /^lab3: peak none kept in .*: not written \(--no-peak\)$/m);
  });

  it('watch keeps it in the sample round trip; watch --no-peak does not', async () => {
    await setCount('lab2', 7000);
    const watched = await runCli(
      [
        'watch',
        '-i',
        checkLab.lab.inventoryFile,
        '--limit',
        'lab2',
        '--count',
        '2',
        '--interval',
        '300ms',
        '-o',
        'json',
        '-v',
      ],
      { timeoutMs: 60_000 },
    );
    assert.equal(watched.exitCode, 0, watched.stderr);
    assert.match(await peakOf('lab2'), /^600 \d+\n7000 \d+ watch\n$/);
    assert.match(watched.stderr, /^lab2: peak 7000 \(.*, watch\) in .*: new peak written$/m);
    const before = await peakOf('lab2');
    await setCount('lab2', 8000);
    const quiet = await runCli(
      [
        'watch',
        '-i',
        checkLab.lab.inventoryFile,
        '--limit',
        'lab2',
        '--count',
        '2',
        '--interval',
        '300ms',
        '-o',
        'json',
        '--no-peak',
      ],
      { timeoutMs: 60_000 },
    );
    assert.equal(quiet.exitCode, 0, quiet.stderr);
    assert.equal(await peakOf('lab2'), before);
  });

  it('a login without root and without become: check still answers, the peak is skipped, -v says why', async () => {
    await addLabSudoUsers(checkLab.lab, 'lab2');
    const host = checkLab.lab.hosts.find((h) => h.name === 'lab2');
    const vars = {
      ansible_host: '127.0.0.1',
      ansible_port: host?.port,
      ansible_user: labSudoUsers.noSudoUser,
      ansible_ssh_private_key_file: checkLab.lab.privateKeyFile,
      ansible_ssh_common_args: `-o UserKnownHostsFile=${checkLab.lab.knownHostsFile}`,
    };
    const inventory = path.join(checkLab.tmp, 'nonroot.yaml');
    await writeFile(inventory, stringify({ all: { hosts: { lab2: vars } } }));
    const before = await peakOf('lab2');
    await setCount('lab2', 99999);
    const { result, hosts } = await checkJson(['-i', inventory, '-v']);
    assert.equal(hosts[0]?.reachable, true, result.stderr);
    assert.deepEqual([hosts[0]?.peak?.read, hosts[0]?.peak?.write], ['unreadable', 'not-writable']);
    assert.match(
      result.stderr,
      /^lab2: peak none kept \(file unreadable\) in .*: skipped: the journal directory is not writable \(not root: use become\)$/m,
    );
    assert.equal(await peakOf('lab2'), before);
  });

  it('advise sizes for the peak, says so with its age, and leaves one older than --peak-max-age-days out', async () => {
    await setCount('lab1', 50000);
    await check(['--limit', 'lab1']);
    await setCount('lab1', 100);
    const advise = async (args: string[] = []) => {
      const run = await runCli(['advise', '-i', checkLab.lab.inventoryFile, '--limit', 'lab1', '-o', 'json', ...args], {
        timeoutMs: 60_000,
      });
      assert.equal(run.exitCode, 0, run.stderr);
      return (JSON.parse(run.stdout) as AdviseHostJson[])[0]?.advice;
    };
    const fresh = await advise();
    assert.equal(fresh?.max, 131072);
    assert.match(
      fresh?.reasons[0] ?? '',
      /^demand: highest count seen 50000 \(peak (just now|1 min ago), by check; now 100\) × headroom 2 = 100000$/,
    );
    assert.equal(fresh?.peak?.used, true);
    assert.match(await peakOf('lab1'), /\n50000 \d+ check\n$/, 'advise only reads it');

    const fortyDaysAgo = Math.floor(Date.now() / 1000) - 40 * 86_400;
    await exec(checkLab.lab, 'lab1', `echo '50000 ${fortyDaysAgo} check' > ${peakFile}`);
    const stale = await advise();
    assert.equal(stale?.max, 65536);
    assert.match(
      stale?.reasons[0] ?? '',
      /^demand: highest count seen 100 \(now\) × headroom 2 = 200; peak 50000 40 d ago not used \(older than 30 d\)$/,
    );
    assert.equal((await advise(['--peak-max-age-days', '60']))?.max, 131072);
  });
});
