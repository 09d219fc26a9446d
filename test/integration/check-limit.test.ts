/**
 * `check --limit` selects exactly the right hosts — proven by the report AND by which sshd saw a connection —
 * and `-f 1` still checks every host.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { labSkipReason } from '../lab/lab.js';
import { writeGroupedInventory } from './check-inventory.js';
import { checkJson, countContacts, onceEach, startCheckLab, type CheckLab } from './check-lab.js';
import type { CliResult } from './run-cli.js';

const skipReason = labSkipReason();
const portBase = 24300;
const groups = { web: ['lab1', 'lab2', 'lab3'], db: ['lab4', 'lab5'] };
const allHosts = Object.values(groups).flat();

const limitCases: Array<{ limit: string; hosts: string[] }> = [
  { limit: 'web:lab4', hosts: ['lab1', 'lab2', 'lab3', 'lab4'] },
  { limit: 'web:!lab2', hosts: ['lab1', 'lab3'] },
  { limit: 'lab*:!web', hosts: ['lab4', 'lab5'] },
  { limit: '*3', hosts: ['lab3'] },
  { limit: 'db:&lab5', hosts: ['lab5'] },
];

describe(
  'check: --limit and --forks on 5 lab hosts in groups web (lab1-3) and db (lab4-5)',
  { skip: skipReason ?? false },
  () => {
    let checkLab: CheckLab;
    let inventory = '';

    before(async () => {
      checkLab = await startCheckLab(allHosts.length, portBase);
      inventory = path.join(checkLab.tmp, 'grouped.yaml');
      await writeGroupedInventory(checkLab.lab, inventory, groups);
    });

    after(async () => {
      await checkLab?.down();
    });

    async function checkCounting(args: string[]) {
      let result: CliResult | undefined;
      let reported: string[] = [];
      const contacts = await countContacts(checkLab.lab, async () => {
        const answer = await checkJson(['-i', inventory, ...args]);
        result = answer.result;
        reported = answer.hosts.map((h) => h.host);
        for (const host of answer.hosts)
          assert.equal(host.reachable && host.error === null, true, `${host.host}: ${host.error}`);
      });
      return { result, reported, contacts };
    }

    for (const { limit, hosts } of limitCases) {
      it(`--limit '${limit}' checks exactly ${hosts.join(', ')} and contacts no other host`, async () => {
        const { result, reported, contacts } = await checkCounting(['--limit', limit]);
        assert.equal(result?.exitCode, 0, result?.stderr);
        assert.deepEqual(reported, hosts);
        assert.deepEqual(contacts, onceEach(checkLab.lab, hosts));
      });
    }

    it('-f 1 still checks all 5 hosts, one connection each', async () => {
      const { result, reported, contacts } = await checkCounting(['-f', '1']);
      assert.equal(result?.exitCode, 0, result?.stderr);
      assert.deepEqual(reported, allHosts);
      assert.deepEqual(contacts, onceEach(checkLab.lab, allHosts));
    });
  },
);
