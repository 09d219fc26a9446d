/**
 * Every file of test/fixtures/bad/ through the real CLI: exit 2, the file named (FILE:LINE:COL where the fault has a
 * place), what was expected, no stack trace, no raw control character on the terminal, and no host contacted.
 * Inventories are run with `check -i FILE`; playbooks with `run FILE -i GOOD`. Every host points at a TCP listener of
 * this test (fixtures say @PORT@ and @KEY@; the copy in a scratch dir gets the listener's port and a throwaway key),
 * so "not contacted" is observed, not assumed. Needs no lab and no root.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { resolveCommand } from '../lab/prerequisites.js';
import { type CountingListener, listenCounting } from './counting-listener.js';
import { repoDir, runCli } from './run-cli.js';

const fixturesDir = path.join(repoDir, 'test/fixtures/bad');

/** [fixture, LINE:COL (null: the fault has no place, the file alone is named), what the message must say]. */
type BadCase = [file: string, at: string | null, message: RegExp];

const NAME =
  /is refused; expected a host name \(letters, digits, "\.", "-", "_"\), an IPv4 address or an IPv6 address$/;
const CONTROL = /is refused; expected no spaces or control characters$/;
const ADDRESS = (v: string, got: string): RegExp =>
  new RegExp(`host "h1": ${v}: got ${got}; expected a host name \\(letters`);
const USER = (v: string, got: string): RegExp =>
  new RegExp(`host "h1": ${v}: got ${got}; expected a user name \\(letters, digits`);
const NOT_UTF8 = (byte: string, offset: number): RegExp =>
  new RegExp(`is not valid UTF-8: byte 0x${byte} at byte offset ${offset}; expected UTF-8 text$`);
const EMPTY = /: inventory defines no host; expected at least one host/;
const DEEP = /: nesting deeper than 64 levels; expected at most 64 nested lists or mappings$/;
const TOO_DEEP = /: nesting too deep to read; expected at most 64 nested lists or mappings$/;
const BOMB = /aliases expand to too many nodes \(more than 10000: an "alias bomb"\)/;
const SYSCTL_FILE = (got: string): RegExp =>
  new RegExp(
    `steps\\[1\\]\\.persist\\.file: got ${got}; expected /etc/sysctl\\.conf or NAME\\.conf in /etc/sysctl\\.d,`,
  );
const KEY = (v: string, file: string, problem: string): RegExp =>
  new RegExp(`host "h1": ${v}: "${file}" ${problem}; expected a readable private key file$`);

const cases: BadCase[] = [
  // values that reach ssh or a remote command
  ['inventory/address-command-substitution.yaml', '8:21', ADDRESS('ansible_host', '"\\$\\(touch /tmp/pwned\\)"')],
  [
    'inventory/address-ifs.yaml',
    '8:21',
    ADDRESS('ansible_host', '"127\\.0\\.0\\.1\\$\\{IFS\\}-oProxyCommand=touch\\$\\{IFS\\}/tmp/pwned"'),
  ],
  ['inventory/address-backticks.yaml', '8:21', ADDRESS('ansible_host', '"`id`"')],
  ['inventory/address-semicolon.yaml', '8:21', ADDRESS('ansible_host', '"127\\.0\\.0\\.1;reboot"')],
  ['inventory/address-leading-dash.yaml', '8:21', ADDRESS('ansible_host', '"-oProxyCommand=touch /tmp/pwned"')],
  ['inventory/address-newline.yaml', '8:21', ADDRESS('ansible_host', '"127\\.0\\.0\\.1\\\\nok: \\[h2\\] all done"')],
  ['inventory/address-ipv6-junk.yaml', '8:21', ADDRESS('ansible_host', '"::1;id"')],
  ['inventory/address-ssh-host-alias.yaml', '8:25', ADDRESS('ansible_ssh_host', '"127\\.0\\.0\\.1&&id"')],
  ['inventory/user-command-substitution.yaml', '8:21', USER('ansible_user', '"\\$\\(id\\)"')],
  ['inventory/user-leading-dash.yaml', '8:21', USER('ansible_user', '"-oProxyCommand=sh"')],
  ['inventory/user-newline.yaml', '8:21', USER('ansible_user', '"root\\\\nroot"')],
  ['inventory/user-too-long.yaml', '8:21', USER('ansible_user', '"u{40}"')],
  ['inventory/user-ssh-user-alias.yaml', '8:25', USER('ansible_ssh_user', '"root\\|id"')],
  ['inventory/become-user-semicolon.yaml', '9:28', USER('ansible_become_user', '"root;id"')],
  ['inventory/become-user-space.yaml', '9:28', USER('ansible_become_user', '"root -s"')],
  ['inventory/become-user-group-vars.yaml', '11:30', USER('ansible_become_user', '"nobody`id`"')],
  ['inventory/ini-address-command-substitution.ini', '7:4', ADDRESS('ansible_host', '"\\$\\(touch /tmp/pwned\\)"')],
  ['inventory/ini-address-ifs.ini', '7:4', ADDRESS('ansible_host', '"127\\.0\\.0\\.1\\$\\{IFS\\}x"')],
  ['inventory/ini-address-bell.ini', '7:4', ADDRESS('ansible_host', '"127\\.0\\.0\\.1\\\\u0007"')],
  ['inventory/ini-become-user-semicolon.ini', '7:24', USER('ansible_become_user', '"root;id"')],
  ['inventory/ini-group-vars-become-user.ini', '10:21', USER('ansible_become_user', '"root&&id"')],
  ['inventory/ini-user-backticks.ini', '7:4', USER('ansible_user', '"`id`"')],
  // host names: they reach the terminal, the journal and ssh
  ['inventory/name-newline.yaml', '7:5', CONTROL],
  ['inventory/name-ansi-escape.yaml', '7:5', CONTROL],
  ['inventory/name-c1-control.yaml', '7:5', CONTROL],
  ['inventory/name-nul.yaml', '7:5', CONTROL],
  ['inventory/name-space.yaml', '7:5', CONTROL],
  ['inventory/name-semicolon.yaml', '7:5', NAME],
  ['inventory/name-command-substitution.yaml', '7:5', NAME],
  ['inventory/name-pipe.yaml', '7:5', NAME],
  ['inventory/name-leading-dash.yaml', '7:5', NAME],
  ['inventory/name-double-dot.yaml', '7:5', NAME],
  ['inventory/name-in-range.yaml', '7:5', /host name "web1;id" is refused/],
  ['inventory/name-in-children.yaml', '10:9', NAME],
  [
    'inventory/name-idn.yaml',
    '7:5',
    /host name "bücher\.example" is refused; expected the punycode form "xn--bcher-kva\.example"/,
  ],
  ['inventory/name-too-long.yaml', '7:5', /is refused; expected a host name of at most 253 characters$/],
  ['inventory/ini-name-semicolon.ini', '7:1', NAME],
  ['inventory/ini-name-ansi-escape.ini', '7:1', CONTROL],
  ['inventory/ini-name-command-substitution.ini', '7:1', NAME],
  // key files: a typo is found before the first connection, not as "auth" on every host
  [
    'inventory/key-missing.yaml',
    '8:37',
    KEY('ansible_ssh_private_key_file', '/nonexistent/conntrack-fleet/id_ed25519', 'does not exist'),
  ],
  ['inventory/key-is-directory.yaml', '8:37', KEY('ansible_ssh_private_key_file', '/', 'is not a regular file')],
  [
    'inventory/key-missing-private-key-file.yaml',
    '7:33',
    KEY('ansible_private_key_file', '/nonexistent/id_rsa', 'does not exist'),
  ],
  ['inventory/ini-key-missing.ini', '7:4', KEY('ansible_ssh_private_key_file', '/nonexistent/key', 'does not exist')],
  // resource bombs
  ['inventory/alias-bomb.yaml', '1:1', BOMB],
  ['inventory/alias-in-itself.yaml', '8:17', /alias \*a is inside the node it refers to/],
  ['inventory/nesting-flow-overflow.yaml', '8:70', TOO_DEEP],
  ['inventory/nesting-flow-100.yaml', '8:70', DEEP],
  ['inventory/nesting-block-100.yaml', '70:129', DEEP],
  ['playbook/alias-bomb.yaml', '1:1', BOMB],
  ['playbook/nesting-overflow.yaml', '4:84', TOO_DEEP],
  ['playbook/nesting-100.yaml', '4:84', DEEP],
  // encoding: refused with the byte offset, never replaced by U+FFFD
  ['inventory/not-utf8-latin1.yaml', '3:6', NOT_UTF8('fc', 19)],
  ['inventory/not-utf8-overlong.yaml', '4:11', NOT_UTF8('c0', 32)],
  ['inventory/not-utf8-surrogate.yaml', '4:11', NOT_UTF8('ed', 32)],
  ['inventory/not-utf8-truncated.yaml', '4:10', NOT_UTF8('e2', 31)],
  ['inventory/not-utf8-utf16.yaml', '1:1', NOT_UTF8('ff', 0)],
  ['inventory/ini-not-utf8.ini', '2:2', NOT_UTF8('ff', 7)],
  ['playbook/not-utf8.yaml', '4:26', NOT_UTF8('ff', 53)],
  // empty inventories name the inventory, not the playbook's hosts: line
  ['inventory/empty.yaml', '1:1', EMPTY],
  ['inventory/only-comments.yaml', '1:1', EMPTY],
  ['inventory/groups-without-hosts.yaml', '1:1', EMPTY],
  ['inventory/ini-empty-groups.ini', '1:1', EMPTY],
  // structure
  [
    'inventory/syntax-error.yaml',
    '8:21',
    /invalid YAML: Nested mappings are not allowed in compact mappings; expected well-formed YAML$/,
  ],
  ['inventory/duplicate-key.yaml', '9:7', /invalid YAML: Map keys must be unique/],
  ['inventory/port-out-of-range.yaml', '8:21', /ansible_port: got 70000; expected an integer 1-65535$/],
  ['inventory/script.yaml', '1:1', /inventory is a script \(it starts with #!\)/],
  ['inventory/plugin-config.yaml', '1:1', /"plugin" is an inventory plugin configuration/],
  // persist.file: only files sysctl reads at boot
  ['playbook/persist-file-passwd.yaml', '5:21', SYSCTL_FILE('"/etc/passwd"')],
  ['playbook/persist-file-semicolon.yaml', '5:21', SYSCTL_FILE('"/etc/sysctl\\.d/90-x;reboot\\.conf"')],
  ['playbook/persist-file-relative.yaml', '5:21', SYSCTL_FILE('"etc/sysctl\\.conf"')],
  ['playbook/persist-file-subdirectory.yaml', '5:21', SYSCTL_FILE('"/etc/sysctl\\.d/sub/90-x\\.conf"')],
  ['playbook/persist-file-not-conf.yaml', '5:21', SYSCTL_FILE('"/etc/sysctl\\.d/90-x\\.txt"')],
  ['playbook/persist-file-dotdot.yaml', '5:21', SYSCTL_FILE('"/etc/sysctl\\.d/\\.\\./shadow\\.conf"')],
  ['playbook/persist-file-proc.yaml', '5:21', SYSCTL_FILE('"/proc/sys/net/netfilter/nf_conntrack_max"')],
  ['playbook/persist-file-newline.yaml', '5:21', SYSCTL_FILE('"/etc/sysctl\\.conf\\\\nx"')],
  // playbook text that reaches the terminal
  ['playbook/step-name-ansi-escape.yaml', '4:5', /unknown step "\\x1b\[2Jraise_max"; expected one of: check_count,/],
  ['playbook/hosts-newline.yaml', '2:8', /host pattern "all\\nok: \[h1\] changed": no group or host named "ok"/],
  ['playbook/empty.yaml', '1:1', /hosts: missing; expected an Ansible host pattern/],
  ['playbook/syntax-error.yaml', '4:16', /invalid YAML: Flow map in block collection must be sufficiently indented/],
  // habits and typos: the nearest valid name, or the format's documentation
  [
    'playbook/ansible-list-of-plays.yaml',
    '2:1',
    /got an Ansible playbook \(a list of plays with tasks:\); expected one mapping with hosts:.* \(docs\/playbook\.md; example: playbooks\/tune\.yaml\)$/,
  ],
  [
    'playbook/ansible-play-tasks.yaml',
    '3:1',
    /"tasks" is an Ansible play key; expected one mapping with hosts:.*docs\/playbook\.md/,
  ],
  [
    'playbook/quoted-number.yaml',
    '5:14',
    /steps\[0\]\.raise_max\.value: got "262144"; expected an integer 1-2147483647 or "auto" \(numbers are written without quotes: 262144\)$/,
  ],
  [
    'playbook/misspelt-step.yaml',
    '4:5',
    /steps\[1\]: unknown step "rasie_max" \(did you mean "raise_max"\?\); expected one of: check_count,/,
  ],
  [
    'playbook/misspelt-option.yaml',
    '5:7',
    /steps\[0\]\.raise_max: unknown option "per_cpus" \(did you mean "per_cpu"\?\); expected one of: value,/,
  ],
  [
    'playbook/misspelt-timeout.yaml',
    '5:7',
    /"tcp_timeout_time_wiat" is not a conntrack timeout name \(did you mean "tcp_timeout_time_wait"\?\)/,
  ],
  [
    'playbook/misspelt-key.yaml',
    '2:1',
    /unknown key "stpes" \(did you mean "steps"\?\); expected one of: name, hosts,/,
  ],
  [
    'playbook/misspelt-host.yaml',
    '1:8',
    /host pattern "hh1": no group or host named "hh1" \(did you mean "h1"\?\); expected a group/,
  ],
  [
    'inventory/misspelt-group-key.yaml',
    '6:3',
    /unknown key "hots" in group "all" \(did you mean "hosts"\?\); expected one of: hosts, children, vars$/,
  ],
];

/** Byte-exact copy with the placeholders filled (latin1 maps bytes 1:1, so non-UTF-8 fixtures stay as they are). */
async function instantiate(from: string, to: string, port: number, keyFile: string): Promise<void> {
  const text = (await readFile(from))
    .toString('latin1')
    .replaceAll('@PORT@', String(port))
    .replaceAll('@KEY@', keyFile);
  await writeFile(to, Buffer.from(text, 'latin1'));
}

const skip = resolveCommand('ssh-keygen') ? false : 'ssh-keygen (openssh-client) is missing';

describe(
  'bad and hostile input (test/fixtures/bad): exit 2, FILE:LINE:COL, no host contacted',
  { skip, concurrency: 2 },
  () => {
    let tmp = '';
    let keyFile = '';
    let goodInventory = '';
    let listener: CountingListener;
    let control = { exitCode: null as number | null, stderr: '', connections: 0 };

    before(async () => {
      tmp = await mkdtemp(path.join(os.tmpdir(), 'conntrack-bad-fixtures-'));
      listener = await listenCounting(26800);
      keyFile = path.join(tmp, 'id_ed25519');
      await promisify(execFile)('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
      goodInventory = path.join(tmp, 'good.yaml');
      const host = `      ansible_host: 127.0.0.1\n      ansible_port: ${listener.port}\n      ansible_ssh_private_key_file: ${keyFile}\n`;
      await writeFile(goodInventory, `all:\n  hosts:\n    h1:\n${host}`);
      for (const dir of ['inventory', 'playbook']) {
        await mkdir(path.join(tmp, dir));
        for (const name of await readdir(path.join(fixturesDir, dir))) {
          await instantiate(path.join(fixturesDir, dir, name), path.join(tmp, dir, name), listener.port, keyFile);
        }
      }
      // in before(), not beside the cases: they run two at a time, and this is the only run that may connect
      const result = await runCli(['check', '-i', goodInventory, '-o', 'json', '--connect-timeout', '5000']);
      await sleep(100);
      control = { exitCode: result.exitCode, stderr: result.stderr, connections: listener.connections() };
    });

    after(async () => {
      await listener?.close();
      if (tmp) await rm(tmp, { recursive: true, force: true });
    });

    it('the table covers every fixture, and there are at least 60', async () => {
      const files = (
        await Promise.all(
          ['inventory', 'playbook'].map(async (dir) =>
            (await readdir(path.join(fixturesDir, dir))).map((f) => `${dir}/${f}`),
          ),
        )
      ).flat();
      assert.deepEqual(files.sort(), cases.map(([file]) => file).sort());
      assert.ok(files.length >= 60, `${files.length} fixtures`);
    });

    it('control: the good inventory reaches the listener (the detector works)', () => {
      assert.equal(control.exitCode, 1, control.stderr);
      assert.equal(control.connections, 1);
    });

    for (const [name, at, message] of cases) {
      it(`${name} → ${at ?? 'file'}: exit 2, nothing contacted`, async () => {
        const file = path.join(tmp, name);
        const args = name.startsWith('playbook/')
          ? ['run', file, '-i', goodInventory]
          : ['check', '-i', file, '-o', 'json'];
        const before = listener.connections();
        const result = await runCli(args, { timeoutMs: 60_000 });
        const shown = `exit ${result.exitCode}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
        assert.equal(result.exitCode, 2, shown);
        assert.equal(result.stdout, '', shown);
        const lines = result.stderr.split('\n');
        assert.equal(lines.length, 2, `one line and a newline: ${shown}`);
        const first = lines[0] ?? '';
        assert.ok(
          first.startsWith(at ? `${file}:${at}: ` : `${file}: `),
          `expected ${file}:${at ?? ''}…, got: ${first}`,
        );
        assert.match(first, message);
        assert.doesNotMatch(result.stderr, /\n\s+at |internal error/, 'no stack trace, no internal error');

        assert.doesNotMatch(first, /[\u0000-\u001f\u007f-\u009f]/, 'control characters are escaped');
        await sleep(100); // a connection made just before exiting would still be counted
        assert.equal(listener.connections(), before, 'a host was contacted');
      });
    }
  },
);
