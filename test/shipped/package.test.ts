/**
 * `npm pack` ships what the README, the docs and the CLI's --help texts name: every docs/, playbooks/ and
 * inventories/ path they mention is in `npm pack --dry-run --json`'s file list (paths the lab writes at run time,
 * and the made-up ones of examples, are listed below and must NOT exist in the repository).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const repoDir = fileURLToPath(new URL('../..', import.meta.url));
/** Named in the docs but not files of the package: written by `npm run lab -- up`, or a user's own inventory. */
const notShipped = new Set(['inventories/lab.yaml', 'inventories/lab.known_hosts', 'inventories/prod.yaml']);

function referencedPaths(): Map<string, string> {
  const sources = [
    'README.md',
    ...readdirSync(path.join(repoDir, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
    ...readdirSync(path.join(repoDir, 'src', 'cli'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `src/cli/${f}`),
  ];
  const found = new Map<string, string>();
  for (const source of sources) {
    const text = readFileSync(path.join(repoDir, source), 'utf8');
    for (const match of text.matchAll(/(?<![\w/.$-])((?:docs|playbooks|inventories)\/[\w./-]*[\w/])/g)) {
      const ref = (match[1] ?? '').replace(/\/$/, '');
      if (!found.has(ref)) found.set(ref, source);
    }
  }
  return found;
}

describe('npm pack ships what the docs name', () => {
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoDir, encoding: 'utf8' }),
  ) as { files: { path: string }[] }[];
  const files = new Set(packed[0]?.files.map((f) => f.path) ?? []);
  const shipped = (ref: string) => files.has(ref) || [...files].some((f) => f.startsWith(`${ref}/`));

  it('ships the docs, every playbook and the example inventories with their group_vars', () => {
    for (const file of [
      'README.md',
      'docs/playbook.md',
      'docs/rollouts.md',
      'docs/scale.md',
      'playbooks/tune.yaml',
      'playbooks/canary-tune.yaml',
      'playbooks/unload-nat.yaml',
      'playbooks/check.yaml',
      'inventories/example.yaml',
      'inventories/example.ini',
      'inventories/group_vars/web.yaml',
    ]) {
      assert.ok(files.has(file), `${file} is not in npm pack's list`);
    }
  });

  it("does not ship the lab's generated inventory or tests", () => {
    for (const file of files) assert.doesNotMatch(file, /^(test|inventories\/lab\.|\.lab)/, file);
  });

  const refs = referencedPaths();
  it(`every docs/, playbooks/, inventories/ path named in README, docs and --help (${refs.size}) is shipped`, () => {
    assert.ok(refs.size > 5, 'found the references');
    const missing = [...refs]
      .filter(([ref]) => !notShipped.has(ref) && !shipped(ref))
      .map(([ref, source]) => `${ref} (named in ${source})`);
    assert.deepEqual(missing, []);
  });

  it('the paths named but not shipped are not files of the repository', () => {
    for (const ref of notShipped)
      assert.ok(!existsSync(path.join(repoDir, ref)) || ref.startsWith('inventories/lab.'), ref);
  });
});
