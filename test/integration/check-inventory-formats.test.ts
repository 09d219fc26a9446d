/**
 * `check` against real sshd with the inventories people have: an INI inventory whose user and ports come from
 * group_vars/ and host_vars/ (each overriding a wrong value elsewhere), and a YAML inventory whose connection
 * variables arrive through a `<<:` merge key. A host that connected proves the right user/port/key were used;
 * sshd's own log proves which hosts were contacted.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { labSkipReason } from '../lab/lab.js';
import { closedPort } from './check-inventory.js';
import { checkJson, countContacts, onceEach, portOf, startCheckLab, type CheckLab } from './check-lab.js';
import { runCli } from './run-cli.js';

const portBase = 24760;

describe(
  'check: INI + group_vars/host_vars and YAML merge keys on 3 lab hosts',
  { skip: labSkipReason() ?? false },
  () => {
    let checkLab: CheckLab;

    before(async () => {
      checkLab = await startCheckLab(3, portBase);
    });

    after(async () => {
      await checkLab?.down();
    });

    async function checkReaches(args: string[], hosts: string[]): Promise<void> {
      let reported: string[] = [];
      const contacts = await countContacts(checkLab.lab, async () => {
        const { result, hosts: answers } = await checkJson([...args, '-F', 'none']);
        assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
        for (const host of answers)
          assert.equal(host.reachable && host.error === null, true, `${host.host}: ${host.error}`);
        reported = answers.map((h) => h.host);
      });
      assert.deepEqual(reported, hosts);
      assert.deepEqual(contacts, onceEach(checkLab.lab, hosts));
    }

    it('an INI inventory (no extension) connects with user and ports from group_vars/ and host_vars/', async () => {
      const { lab, tmp } = checkLab;
      const dir = path.join(tmp, 'ini');
      mkdirSync(path.join(dir, 'group_vars'), { recursive: true });
      mkdirSync(path.join(dir, 'host_vars'), { recursive: true });
      const wrongPort = await closedPort();
      writeFileSync(
        path.join(dir, 'hosts'),
        [
          '# INI, detected by content',
          '[web]',
          'lab1 ansible_host=127.0.0.1',
          `lab2 ansible_host=127.0.0.1 ansible_port=${portOf(lab, 'lab2')}  # a host line beats group_vars`,
          '',
          '[web:vars]',
          `ansible_port=${wrongPort}`,
          'ansible_user=nobody',
          '',
        ].join('\n'),
      );
      // group_vars/all.yml and group_vars/web.yml beat [web:vars]; the deeper group (web) beats all.
      writeFileSync(
        path.join(dir, 'group_vars/all.yml'),
        [
          'ansible_user: also-wrong',
          `ansible_ssh_private_key_file: ${lab.privateKeyFile}`,
          `ansible_ssh_common_args: -o UserKnownHostsFile=${lab.knownHostsFile}`,
          '',
        ].join('\n'),
      );
      writeFileSync(path.join(dir, 'group_vars/web.yml'), 'ansible_user: root\n');
      // host_vars/ beat group_vars/ (whose ansible_port, from [web:vars], points nowhere).
      writeFileSync(path.join(dir, 'host_vars/lab1.yml'), `ansible_port: ${portOf(lab, 'lab1')}\n`);
      await checkReaches(['-i', path.join(dir, 'hosts')], ['lab1', 'lab2']);
    });

    it('a YAML inventory whose host gets user and port through <<: *anchor connects there', async () => {
      const { lab, tmp } = checkLab;
      const file = path.join(tmp, 'merge.yaml');
      writeFileSync(
        file,
        [
          'all:',
          '  vars:',
          '    conn: &conn',
          '      ansible_host: 127.0.0.1',
          '      ansible_user: root',
          `      ansible_port: ${portOf(lab, 'lab3')}`,
          `      ansible_ssh_private_key_file: ${lab.privateKeyFile}`,
          `      ansible_ssh_common_args: -o UserKnownHostsFile=${lab.knownHostsFile}`,
          '  children:',
          '    core:',
          '      hosts:',
          '        lab3:',
          '          <<: *conn',
          '    staging:',
          '      hosts:',
          '        lab3: *conn',
          '',
        ].join('\n'),
      );
      await checkReaches(['-i', file, '--limit', 'staging:&core'], ['lab3']);
    });

    it("an empty --limit '' is bad input: exit 2 and no host contacted (it used to select the whole fleet)", async () => {
      const { lab, tmp } = checkLab;
      const contacts = await countContacts(lab, async () => {
        const result = await runCli([
          'check',
          '-i',
          path.join(tmp, 'merge.yaml'),
          '--limit',
          '',
          '-o',
          'plain',
          '-F',
          'none',
        ]);
        assert.equal(result.exitCode, 2, result.stderr);
        assert.match(result.stderr, /--limit is empty; expected a host pattern/);
      });
      assert.deepEqual(contacts, onceEach(lab, []));
    });

    it('several -i sources merge: the INI directory and the merge-key file together, narrowed by --limit @FILE', async () => {
      const { tmp } = checkLab;
      const limitFile = path.join(tmp, 'limit.txt');
      writeFileSync(limitFile, 'lab1\nlab3\n');
      await checkReaches(
        ['-i', path.join(tmp, 'ini'), '-i', path.join(tmp, 'merge.yaml'), '--limit', `@${limitFile}`],
        ['lab1', 'lab3'],
      );
    });
  },
);
