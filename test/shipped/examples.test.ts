/**
 * Every shipped example is valid: each file under playbooks/ loads and validates against each example inventory
 * (as `conntrack-fleet validate` does, offline), each example inventory under inventories/ loads with its
 * group_vars, and every YAML playbook block in README.md and docs/*.md parses as a playbook.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { validateLines } from '../../src/cli/validate.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { loadInventory, toHostTarget } from '../../src/inventory/index.js';
import { loadPlaybook, parsePlaybook } from '../../src/playbook/index.js';

const repoDir = fileURLToPath(new URL('../..', import.meta.url));
const at = (...parts: string[]) => path.join(repoDir, ...parts);
const playbooks = readdirSync(at('playbooks'))
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => at('playbooks', f));
/** inventories/lab.yaml and lab.known_hosts are written by `npm run lab -- up`, not shipped. */
const inventories = readdirSync(at('inventories'))
  .filter((f) => f.startsWith('example'))
  .map((f) => at('inventories', f));

describe('shipped examples', () => {
  it('the expected files are there', () => {
    const names = playbooks.map((f) => path.basename(f)).sort();
    assert.deepEqual(names, ['canary-tune.yaml', 'check.yaml', 'tune.yaml', 'unload-nat.yaml']);
    assert.deepEqual(inventories.map((f) => path.basename(f)).sort(), ['example.ini', 'example.yaml']);
  });

  for (const inventory of inventories) {
    it(`${path.relative(repoDir, inventory)} loads, with group_vars/web.yaml applied to web hosts and a bastion for db`, () => {
      const loaded = loadInventory([inventory]);
      const host = (name: string) => loaded.hosts.find((h) => h.name === name);
      const web1 = host('web1.example.com');
      assert.equal(loaded.hosts.length, 9);
      assert.equal(web1?.vars['role'], 'web-frontend', "group_vars beat the inventory's group vars");
      assert.equal(web1?.vars['http_port'], 443);
      const targets = loaded.hosts.map((h) => toHostTarget(h, { user: 'nobody' }));
      assert.ok(
        targets.every((t) => t.user === 'deploy' && t.become && t.becomeUser === 'root'),
        'become as root everywhere',
      );
      assert.ok(targets.every((t) => t.knownHostsFile?.endsWith('/.ssh/known_hosts.fleet')));
      assert.match(
        String(host('db1.example.com')?.vars['ansible_ssh_common_args']),
        /^-J deploy@jump\.example\.com:22 /,
      );
      assert.equal(host('db2.example.com')?.vars['ansible_port'], 2222);
    });
  }

  for (const playbook of playbooks) {
    for (const inventory of inventories) {
      it(`${path.relative(repoDir, playbook)} validates against ${path.relative(repoDir, inventory)}`, () => {
        const lines = validateLines(playbook, { inventory: [inventory] });
        const steps = loadPlaybook(playbook).steps;
        assert.match(lines[0] ?? '', / valid, \d+ steps?$/);
        assert.equal(lines.filter((l) => l.startsWith('step ')).length, steps.length);
        assert.ok(
          lines.some((l) => /^batch 1\/\d+ \(\d+ hosts?\): \S/.test(l)),
          lines.join('\n'),
        );
      });
    }
  }

  it('playbooks/check.yaml has gates only: no step changes a host', () => {
    assert.deepEqual(
      loadPlaybook(at('playbooks', 'check.yaml')).steps.map((s) => s.kind),
      ['check_count'],
    );
  });

  const docs = [
    'README.md',
    ...readdirSync(at('docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => path.join('docs', f)),
  ];
  for (const doc of docs) {
    const blocks = [...readFileSync(at(doc), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    // a block whose steps are elided (`steps: [...]`) documents only the rollout keys
    const playbookBlocks = blocks.filter((b) => /^steps:/m.test(b) && !/^steps: \[\.\.\.\]/m.test(b));
    blocks.forEach((block, i) => {
      it(`${doc}: yaml block ${i + 1} is valid YAML`, () =>
        assert.doesNotThrow(() => parseYamlSource(`${doc}#block${i + 1}`, block)));
    });
    for (const [i, block] of playbookBlocks.entries()) {
      it(`${doc}: playbook example ${i + 1} parses`, () => {
        const parsed = parsePlaybook(parseYamlSource(`${doc}#example${i + 1}`, block));
        assert.ok(parsed.steps.length > 0);
      });
    }
  }
});
