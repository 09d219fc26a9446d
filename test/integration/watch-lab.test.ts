/**
 * `watch` on lab hosts, JSON lines (stdout is not a terminal): lab1's count rises to 60000 of 65536, lab2 drops
 * packets (lab.addDrops), lab3 stops answering (its statistics stand-in becomes a FIFO nobody writes, so the sample
 * hangs until its timeout). Ctrl-C (SIGINT) ends it with exit 0; each host saw one SSH connection; nothing written
 * but the peak file (docs/sizing.md; peak-lab.test.ts covers it).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { WatchJsonLine } from '../../src/report/watch-json.js';
import { labSkipReason } from '../lab/lab.js';
import { hostPathsFor, labPathsFor } from '../lab/layout.js';
import { countContacts, exec, startCheckLab, type CheckLab, type SshdTally } from './check-lab.js';
import { runCli, type CliResult } from './run-cli.js';

const skipReason = labSkipReason();
const portBase = 29100;
const nf = '/proc/sys/net/netfilter';
// bounds a wait for the tool's output, so a broken watch fails instead of hanging; not a speed requirement
const waitLimitMs = 60_000;

function waitFor(
  lines: WatchJsonLine[],
  what: string,
  test: (line: WatchJsonLine) => boolean,
  since = 0,
): Promise<WatchJsonLine> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const found = lines.slice(since).find(test);
      if (found) {
        clearInterval(poll);
        resolve(found);
      } else if (Date.now() - started > waitLimitMs) {
        clearInterval(poll);
        reject(new Error(`watch never printed ${what}; lines:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`));
      }
    }, 50);
  });
}

describe(
  'watch on lab hosts: JSON lines, rising count, drops, a host that stops answering, Ctrl-C',
  { skip: skipReason ?? false },
  () => {
    let checkLab: CheckLab;
    let run: CliResult;
    const lines: WatchJsonLine[] = [];
    let seen: { full: WatchJsonLine; dropping: WatchJsonLine; gone: WatchJsonLine; firstDrop: WatchJsonLine };
    let contacts: Record<string, SshdTally>;

    before(async () => {
      checkLab = await startCheckLab(3, portBase);
      const { lab } = checkLab;
      contacts = await countContacts(lab, async () => {
        let child: ChildProcess | undefined;
        const running = runCli(['watch', '-i', lab.inventoryFile, '--interval', '500ms'], {
          timeoutMs: 3 * waitLimitMs,
          onSpawn: (spawned) => {
            child = spawned;
            let partial = '';
            spawned.stdout?.on('data', (chunk: Buffer) => {
              const text = partial + chunk.toString();
              const complete = text.split('\n');
              partial = complete.pop() ?? '';
              for (const line of complete) lines.push(JSON.parse(line) as WatchJsonLine);
            });
          },
        });
        const firstDrop = await waitFor(
          lines,
          'a first lab2 line with drop rates',
          (l) => l.host === 'lab2' && l.per_second.drop === 0,
        );
        const mark = lines.length;
        await exec(lab, 'lab1', `echo 60000 > ${nf}/nf_conntrack_count`);
        await lab.addDrops('lab2', 5000);
        const statFile = hostPathsFor(labPathsFor(lab.dir), 'lab3').statFile;
        await exec(lab, 'lab3', `rm -f '${statFile}' && mkfifo '${statFile}'`);
        const full = await waitFor(lines, 'lab1 at 60000', (l) => l.host === 'lab1' && l.count === 60000, mark);
        const dropping = await waitFor(
          lines,
          'lab2 dropping',
          (l) => l.host === 'lab2' && (l.per_second.drop ?? 0) > 0,
          mark,
        );
        const gone = await waitFor(lines, 'lab3 not answering', (l) => l.host === 'lab3' && !l.up, mark);
        seen = { full, dropping, gone, firstDrop };
        child?.kill('SIGINT');
        run = await running;
      });
    });

    after(async () => {
      await checkLab?.down();
    });

    it('Ctrl-C: exit 0, nothing on stderr', () => {
      assert.equal(run.exitCode, 0, run.stderr);
      assert.equal(run.stderr, '');
    });

    it('every stdout line is one JSON object with the sample of one host', () => {
      assert.ok(lines.length >= 6);
      const hosts = new Set(lines.map((l) => l.host));
      assert.deepEqual([...hosts].sort(), ['lab1', 'lab2', 'lab3']);
      assert.equal(run.stdout.trimEnd().split('\n').length, lines.length);
    });

    it('the rising count is seen: lab1 at 60000 of 65536 (91.55%)', () => {
      assert.equal(seen.full.max, 65536);
      assert.equal(seen.full.usage_percent, 91.55);
    });

    it('drops are rates: lab2 shows drops per second after the bump, 0 before', () => {
      assert.equal(seen.firstDrop.per_second.drop, 0);
      assert.ok((seen.dropping.per_second.drop ?? 0) > 0);
      assert.ok((seen.dropping.per_second.drop ?? 0) <= 5000 / 0.4, 'the 5000 drops spread over at least the interval');
    });

    it('lab3 stops answering: shown as such, with the reason', () => {
      assert.equal(seen.gone.up, false);
      assert.match(seen.gone.error ?? '', /no answer within 2000 ms/);
    });

    it('one SSH connection per host for the whole watch, never more than one session per sample', () => {
      for (const host of ['lab1', 'lab2', 'lab3']) {
        assert.equal(contacts[host]?.connections, 1, `${host}: ${JSON.stringify(contacts[host])}`);
        // samples travel in the host's long-lived shell session; a sample that timed out costs a new one
        const sessions = contacts[host]?.sessions ?? 0;
        const samples = lines.filter((l) => l.host === host).length;
        assert.ok(sessions >= 1 && sessions <= samples, `${host}: ${sessions} sessions for ${samples} samples`);
      }
    });

    it('a reader that goes away (watch | head -1: EPIPE) ends it like Ctrl-C: exit 0', async () => {
      const piped = await runCli(['watch', '-i', checkLab.lab.inventoryFile, '--interval', '300ms'], {
        timeoutMs: waitLimitMs,
        onSpawn: (spawned) => spawned.stdout?.once('data', () => spawned.stdout?.destroy()),
      });
      assert.equal(piped.signal, null, 'not killed by the test timeout');
      assert.equal(piped.exitCode, 0, piped.stderr);
      assert.equal(piped.stderr, '');
    });

    it('no setting changed and no lock taken: the peak file is all that appeared on the hosts', async () => {
      for (const host of ['lab1', 'lab2']) {
        assert.equal(
          (await exec(checkLab.lab, host, 'cd /var/lib/conntrack-fleet && find . | sort')).trim(),
          '.\n./journal\n./journal/peak',
        );
        assert.match(await exec(checkLab.lab, host, 'cat /var/lib/conntrack-fleet/journal/peak'), /^\d+ \d+ watch\n$/);
      }
    });
  },
);
