/**
 * NO_COLOR (https://no-color.org): with it set (non-empty) no command prints an SGR colour sequence (ESC [ … m) —
 * not the live trees (run's own, check's listr2), watch's screen, advise, help, errors, completion — on a real
 * pseudo-terminal (util-linux `script`) where colour would otherwise be on. Cursor movement (ESC [ … A/G/K, hide and
 * show) stays: the trees need it. FORCE_COLOR=0 is "no colour" too, even for listr2 (whose colorette would take any
 * FORCE_COLOR as "on"). The control run with FORCE_COLOR=1 shows the detector sees colour when there is some.
 * Hosts are unreachable on purpose (a refused port on 127.0.0.1): failures are what gets painted red. No lab, no root.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import ssh2 from 'ssh2';
import { runCliTimed } from '../bench/tty-cli.js';
import { resolveCommand } from '../lab/prerequisites.js';

const sgr = /\x1b\[[0-9;]*m/;
const tty = { columns: 120, rows: 40 };

async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const skip = resolveCommand('script') ? false : 'script (util-linux) is missing';

describe('NO_COLOR: no colour from any command on a terminal', { skip, concurrency: 4 }, () => {
  let tmp = '';
  let commands: Array<[name: string, args: string[]]> = [];

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'ctf-no-color-'));
    const keyFile = path.join(tmp, 'id_ed25519');
    await writeFile(keyFile, ssh2.utils.generateKeyPairSync('ed25519').private, { mode: 0o600 });
    const port = await refusedPort();
    const inventory = path.join(tmp, 'inv.yaml');
    const host = (name: string) =>
      `    ${name}:\n      ansible_host: 127.0.0.1\n      ansible_port: ${port}\n      ansible_ssh_private_key_file: ${keyFile}\n`;
    await writeFile(inventory, `all:\n  hosts:\n${host('h1')}${host('h2')}`);
    const i = ['-i', inventory, '--known-hosts', '/dev/null'];
    commands = [
      ['check (listr2 tree)', ['check', ...i]],
      ['run (live tree)', ['run', 'playbooks/tune.yaml', ...i]],
      ['run --check', ['run', 'playbooks/tune.yaml', '--check', ...i]],
      ['run --quiet', ['run', 'playbooks/tune.yaml', '--quiet', ...i]],
      ['rollback --last', ['rollback', '--last', ...i]],
      ['watch (screen)', ['watch', '--count', '1', '--interval', '200ms', ...i]],
      ['advise', ['advise', ...i]],
      ['validate', ['validate', 'playbooks/tune.yaml', ...i]],
      ['help', ['--help']],
      ['run --help', ['run', '--help']],
      ['unknown command', ['chek']],
      ['bad playbook', ['run', 'test/fixtures/bad/playbook/misspelt-step.yaml', ...i]],
      ['completion', ['completion', 'bash']],
    ];
  });

  after(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('NO_COLOR=1 and FORCE_COLOR=0: no SGR sequence from any command; control: FORCE_COLOR=1 colours the trees', async () => {
    const cases = [
      { env: { NO_COLOR: '1' }, coloured: false },
      { env: { NO_COLOR: '1', FORCE_COLOR: '1' }, coloured: false }, // NO_COLOR wins
      { env: { NO_COLOR: undefined, FORCE_COLOR: '0' }, coloured: false },
    ];
    for (const { env, coloured } of cases) {
      const results = await Promise.all(
        commands.map(async ([name, args]) => ({
          name,
          result: await runCliTimed(args, { tty, env, timeoutMs: 60_000 }),
        })),
      );
      for (const { name, result } of results) {
        assert.ok(result.exitCode !== null && result.stdout.length > 0, `${name}: no output (exit ${result.exitCode})`);
        const found = sgr.exec(result.stdout);
        assert.equal(
          found !== null,
          coloured,
          `${name} with ${JSON.stringify(env)}: ${JSON.stringify(found?.[0])} in\n${result.stdout}`,
        );
      }
    }
  });

  it('control: with FORCE_COLOR=1 (no NO_COLOR) the failures are painted, so the check above can see colour', async () => {
    const painted = commands.filter(([name]) => /tree|watch|advise/.test(name));
    for (const [name, args] of painted) {
      const result = await runCliTimed(args, {
        tty,
        env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
        timeoutMs: 60_000,
      });
      assert.match(result.stdout, sgr, `${name}: no colour even when forced\n${result.stdout}`);
    }
  });
});
