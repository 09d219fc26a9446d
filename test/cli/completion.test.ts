/**
 * `completion bash|zsh` through the real CLI; the bash script is sourced into a real bash and its function called
 * with COMP_WORDS as bash would, so the test checks what a user gets on TAB. zsh: syntax only (zsh -n), when installed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveCommand } from '../lab/prerequisites.js';
import { repoDir, runCli } from '../integration/run-cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ctf-completion-'));
const script = path.join(dir, 'completion.bash');

/** What TAB offers after `words` (the last word is the one being completed). */
function complete(...words: string[]): string[] {
  const quoted = ['conntrack-fleet', ...words].map((w) => `'${w}'`).join(' ');
  const result = spawnSync(
    'bash',
    [
      '-c',
      `source ${script}; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length}; _conntrack_fleet; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { cwd: repoDir, encoding: 'utf8' },
  );
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.split('\n').filter(Boolean).sort();
}

describe('completion', () => {
  before(async () => {
    const result = await runCli(['completion', 'bash']);
    assert.equal(result.exitCode, 0, result.stderr);
    writeFileSync(script, result.stdout);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [string[], string[]][] = [
    [['ch'], ['check']],
    [['r'], ['report', 'rollback', 'run', 'runs']],
    [['check', '--sh'], ['--shard']],
    [
      ['run', '-o', ''],
      ['json', 'plain', 'tree'],
    ],
    [
      ['report', ''],
      ['--help', 'merge'],
    ],
    [['report', 'merge', '--rep'], ['--report']],
    [
      ['completion', ''],
      ['--help', 'bash', 'zsh'],
    ],
    [['run', 'playbooks/ca'], ['playbooks/canary-tune.yaml']],
    [['validate', 'x', '-i', 'inventories/example.i'], ['inventories/example.ini']],
  ];
  for (const [words, expected] of cases) {
    it(`conntrack-fleet ${words.join(' ')}<TAB> → ${expected.join(' ')}`, () =>
      assert.deepEqual(complete(...words), expected));
  }

  it('zsh: the same function behind bashcompinit; an unknown shell is exit 2', async () => {
    const zsh = await runCli(['completion', 'zsh']);
    assert.equal(zsh.exitCode, 0);
    assert.match(zsh.stdout, /^#compdef conntrack-fleet\n/);
    assert.match(zsh.stdout, /^autoload -U \+X bashcompinit && bashcompinit$/m);
    assert.match(zsh.stdout, /^complete -o filenames -F _conntrack_fleet conntrack-fleet$/m);
    const fish = await runCli(['completion', 'fish']);
    assert.equal(fish.exitCode, 2);
    assert.match(fish.stderr, /Allowed choices are bash, zsh/);
  });

  it(
    'zsh parses the script (zsh -n)',
    { skip: resolveCommand('zsh') ? false : 'zsh is not installed (apt-get install -y zsh)' },
    async () => {
      const zshScript = path.join(dir, 'completion.zsh');
      writeFileSync(zshScript, (await runCli(['completion', 'zsh'])).stdout);
      const result = spawnSync('zsh', ['-n', zshScript], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
    },
  );
});
