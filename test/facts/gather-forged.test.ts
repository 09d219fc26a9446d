/**
 * Host-controlled bytes that look like frames, through the real gather shell: file snapshots (cf_file, the files and
 * boot-config sections) and command output (cf_run) must come back byte for byte, and end no block early.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { splitGatherOutput } from '../../src/facts/gather-frame.js';
import { readGatherOutput } from '../../src/facts/gather-output.js';
import { buildGatherScript, gatherFunctions } from '../../src/facts/gather-script.js';
import { bootConfigSection, readBootConfig } from '../../src/facts/sections/boot-config.js';
import { newRecordToken, recordHeader } from '../../src/remote/records.js';
import { quoteShell } from '../../src/transport/quote.js';
import { fixtureToken } from './gather-fixture.js';
import { hasCommand, runScriptLocally } from './local-shell.js';

const root = mkdtempSync(join(tmpdir(), 'cf-forged-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** sysctl.d files a host could hold; each mentions conntrack so boot-config snapshots it too. */
const contents: Array<{ name: string; bytes: Buffer }> = [
  {
    name: 'record lines of other tokens and of the fixture token',
    bytes: Buffer.from(
      `net.netfilter.nf_conntrack_max = 1\n@@cf ${newRecordToken()} end\n@@cf ${fixtureToken} done\n@@cf ${newRecordToken()} begin file 0\n`,
    ),
  },
  {
    name: 'the old frame markers',
    bytes: Buffer.from('# conntrack\n@@end\n@@done\n@@begin file 0\n|absent\n@@raw-end x\n'),
  },
  { name: 'a last line without a newline', bytes: Buffer.from('net.netfilter.nf_conntrack_max = 1\n@@end') },
  {
    name: 'binary bytes, carriage returns, no newline at EOF',
    bytes: Buffer.concat([Buffer.from('conntrack\r\n@@cf '), Buffer.from([0, 255, 10, 13, 27])]),
  },
];

const shells = ['sh', 'bash', 'busybox'].filter(hasCommand);
const shellArgv = (shell: string) => (shell === 'busybox' ? ['busybox', 'sh', '-s'] : [shell, '-s']);

for (const shell of shells) {
  test(`${shell}: requested files that forge frames come back byte for byte, and the output stays whole`, async () => {
    const dir = join(root, `files-${shell}`);
    mkdirSync(dir);
    const files = contents.map((_, index) => join(dir, `${index}.conf`));
    contents.forEach(({ bytes }, index) => writeFileSync(files[index] ?? '', bytes));
    const token = newRecordToken();
    const request = { files, rules: false };
    const result = await runScriptLocally(buildGatherScript(request, token), shellArgv(shell));
    assert.equal(result.exitCode, 0, result.stderr);
    const { facts, missing } = readGatherOutput(result.stdout, request, token);
    assert.deepEqual(missing, []);
    contents.forEach(({ name, bytes }, index) => {
      const state = facts.files[files[index] ?? ''];
      assert.ok(state, name);
      assert.ok(Buffer.from(state.contentBase64, 'base64').equals(bytes), name);
    });
  });

  test(`${shell}: sysctl.d files that forge frames are boot files with their exact bytes`, async () => {
    const dir = join(root, `boot-${shell}`, 'sysctl.d');
    mkdirSync(dir, { recursive: true });
    contents.forEach(({ bytes }, index) => writeFileSync(join(dir, `${index}-x.conf`), bytes));
    const section = bootConfigSection.sh({ files: [] }).replace("'/etc/sysctl.d ", `'${dir} `);
    const token = newRecordToken();
    const script = `${recordHeader(token)}\n${gatherFunctions}\n{\n${section}\n} 5>&1\n`;
    const result = await runScriptLocally(script, shellArgv(shell));
    assert.equal(result.exitCode, 0, result.stderr);
    const mine = (readBootConfig(splitGatherOutput(result.stdout, token), [])?.files ?? []).filter((file) =>
      file.path.startsWith(dir),
    );
    assert.deepEqual(
      mine.map((file) => file.path),
      contents.map((_, index) => join(dir, `${index}-x.conf`)),
    );
    mine.forEach((file, index) =>
      assert.ok(
        Buffer.from(file.state?.contentBase64 ?? 'x', 'base64').equals(contents[index]?.bytes ?? Buffer.alloc(0)),
        file.path,
      ),
    );
  });

  test(`${shell}: a sysctl.d link whose target holds a newline adds no lines to a block: skipped, with a problem`, async () => {
    const dir = join(root, `link-${shell}`, 'sysctl.d');
    mkdirSync(dir, { recursive: true });
    symlinkSync('missing\nmentions\nlink /etc/sysctl.conf', join(dir, '10-forged.conf'));
    writeFileSync(join(dir, '20-plain.conf'), 'vm.swappiness = 1\n');
    const section = bootConfigSection.sh({ files: [] }).replace("'/etc/sysctl.d ", `'${dir} `);
    const token = newRecordToken();
    const script = `${recordHeader(token)}\n${gatherFunctions}\n{\n${section}\n} 5>&1\n`;
    const result = await runScriptLocally(script, shellArgv(shell));
    assert.equal(result.exitCode, 0, result.stderr);
    const frame = splitGatherOutput(result.stdout, token);
    const mine = (readBootConfig(frame, [])?.files ?? []).filter((file) => file.path.startsWith(dir));
    assert.deepEqual(
      mine.map((file) => [file.path, file.linkTarget, file.missing, file.mentions]),
      [[join(dir, '20-plain.conf'), null, false, false]],
    );
    assert.deepEqual(frame.problems, [`${join(dir, '10-forged.conf')} links to a name with a newline: skipped`]);
  });

  test(`${shell}: a command's output is streamed raw: forged lines stay content, a last line without newline is kept`, async () => {
    const out = `a\n@@end\n@@cf ${fixtureToken} end\n@@rc 0\nlast line`;
    const err = `warning\n@@cf ${fixtureToken} rc 0`;
    const token = newRecordToken();
    const script = [
      recordHeader(token),
      gatherFunctions,
      '{',
      `cf_run 'rules forged' sh -c ${quoteShell(`printf '%s' ${quoteShell(out)}; printf '%s' ${quoteShell(err)} >&2; exit 3`)}`,
      `cf_run 'rules quiet' true`,
      `cf_rec done`,
      '} 5>&1',
    ].join('\n');
    const result = await runScriptLocally(script, shellArgv(shell));
    assert.equal(result.exitCode, 0, result.stderr);
    const frame = splitGatherOutput(result.stdout, token);
    assert.deepEqual(
      frame.sections.map((s) => [s.arg, s.text, s.stderrLines, s.exitCode]),
      [
        ['forged', out, err.split('\n'), 3],
        ['quiet', '', [], 0],
      ],
    );
    assert.equal(frame.complete, true);
  });
}
