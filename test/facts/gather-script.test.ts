import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildGatherScript } from '../../src/facts/gather-script.js';
import { parseGatherOutput } from '../../src/facts/gather-output.js';
import { newRecordToken } from '../../src/remote/records.js';
import { quoteShell } from '../../src/transport/quote.js';
import { hasCommand, runScriptLocally } from './local-shell.js';

const odd = ['/etc/sysctl.conf', "/tmp/it's here", '/tmp/$(touch /tmp/pwned)', '/tmp/a b\nc', '/tmp/`id`;*'];

test('every requested path enters the script through quoteShell, indexed in request order', () => {
  const script = buildGatherScript({ files: odd });
  odd.forEach((path, index) => assert.ok(script.includes(`\ncf_file ${index} ${quoteShell(path)}\n`), path));
});

test('a relative path is a programming error', () => {
  assert.throws(() => buildGatherScript({ files: ['etc/sysctl.conf'] }), /not an absolute path/);
});

test('nothing in the script lists tables or loads modules', () => {
  const script = buildGatherScript({ files: [] });
  assert.doesNotMatch(script, /iptables\s+(-t\s+\S+\s+)?-(L|S|n|v)/);
  assert.doesNotMatch(script, /(^|[\s;(])(modprobe|insmod|rmmod|pgrep)\s/m);
  assert.match(script, /nft list ruleset/);
});

const shells = [
  ['dash', '-n'],
  ['bash', '--posix', '-n'],
  ['busybox', 'sh', '-n'],
];

for (const [shell, ...args] of shells) {
  test(`parses under ${shell}`, (t) => {
    if (!shell || !hasCommand(shell)) return t.skip(`${shell} is not installed`);
    const result = spawnSync(shell, args, { input: buildGatherScript({ files: odd }), encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
  });
}

function busyboxPath(): string {
  return spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim();
}

function oldBase64(busybox: string): string {
  return `#!${busybox} sh\ncase "$1" in -w*) echo "base64: invalid option -- w" >&2; exit 1 ;; esac\nexec ${busybox} base64 "$@"\n`;
}

const userlands: Array<{ name: string; base64: 'applet' | 'no -w option' | 'missing' }> = [
  { name: 'busybox applets only', base64: 'applet' },
  { name: 'an old busybox base64 without -w', base64: 'no -w option' },
  { name: 'no base64 at all (od fallback)', base64: 'missing' },
];

for (const { name, base64 } of userlands) {
  test(`runs with ${name} and still snapshots files byte for byte`, async (t) => {
    if (!hasCommand('busybox')) return t.skip('busybox is not installed');
    const bin = mkdtempSync(join(tmpdir(), 'cf-bb-'));
    t.after(() => rmSync(bin, { recursive: true, force: true }));
    const busybox = busyboxPath();
    const applets = spawnSync(busybox, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    for (const applet of applets.filter((a) => a !== 'base64')) symlinkSync(busybox, join(bin, applet));
    if (base64 === 'applet') symlinkSync(busybox, join(bin, 'base64'));
    if (base64 === 'no -w option') writeFileSync(join(bin, 'base64'), oldBase64(busybox), { mode: 0o755 });
    const file = join(bin, 'data.bin');
    const bytes = Buffer.from([0, 10, 13, 255, 64, 10, 10]);
    writeFileSync(file, bytes);
    const request = { files: [file] };
    const token = newRecordToken();
    const result = await runScriptLocally(buildGatherScript(request, token), [
      'env',
      '-i',
      `PATH=${bin}`,
      busybox,
      'sh',
      '-s',
    ]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, base64 === 'missing' ? /^hex [0-9a-f]+$/m : /^base64 \S+$/m);
    const facts = parseGatherOutput(result.stdout, request, token);
    assert.ok(!facts.problems.some((p) => p.startsWith('gather output incomplete')), facts.problems.join('\n'));
    assert.ok(Buffer.from(facts.files[file]?.contentBase64 ?? 'x', 'base64').equals(bytes));
    assert.ok(facts.cpus >= 1 && facts.kernel.length > 0);
  });
}

test('rules: false leaves the NAT rule dump out of the script (no iptables-save, ip6tables-save or nft runs)', () => {
  const withRules = buildGatherScript({ files: [] });
  const withoutRules = buildGatherScript({ files: [], rules: false });
  assert.match(withRules, /\ncf_rules\n/);
  assert.doesNotMatch(withoutRules, /\ncf_rules\n/);
  assert.match(withoutRules, /\ncf_rec done\n/);
});

/** The facts that hold still between two gathers on this machine (not the count, stats or slab usage). */
const steadyFacts = (facts: ReturnType<typeof parseGatherOutput>) => ({
  kernel: facts.kernel,
  isRoot: facts.isRoot,
  cpus: facts.cpus,
  max: facts.max,
  buckets: facts.buckets,
  timeouts: facts.timeouts,
  conntrack: facts.conntrack,
  kubeProxy: facts.kubeProxy,
});

for (const shell of [['dash'], ['bash'], ['busybox', 'sh']].filter(([name]) => hasCommand(name ?? '')))
  test(`bootConfig: false reads no boot file and every other fact, ${shell.join(' ')}`, async () => {
    const gather = async (request: { files: string[]; rules: boolean; bootConfig?: boolean }) => {
      const token = newRecordToken();
      const script = buildGatherScript(request, token);
      const result = await runScriptLocally(script, [...shell, '-s']);
      assert.equal(result.exitCode, 0, result.stderr);
      return { script, facts: parseGatherOutput(result.stdout, request, token) };
    };
    const without = await gather({ files: [], rules: false, bootConfig: false });
    const full = await gather({ files: [], rules: false });
    assert.doesNotMatch(without.script, /\ncf_boot_config\b/);
    assert.match(full.script, /\ncf_boot_config\b/);
    assert.equal(without.facts.bootConfig, null);
    assert.notEqual(full.facts.bootConfig, null);
    assert.deepEqual(steadyFacts(without.facts), steadyFacts(full.facts));
  });
