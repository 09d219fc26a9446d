/**
 * The setup the known_hosts `check` tests share (check-host-keys, check-known-hosts-files): a check lab whose real
 * host keys are read once with ssh-keygen (not the tool), known_hosts files written in its scratch directory, and
 * `check -o json` run with a user and a global known_hosts file while counting what each sshd saw.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before } from 'node:test';
import type { CheckJson } from '../../src/report/check-json.js';
import type { Lab } from '../lab/lab.js';
import {
  byHost,
  checkJson,
  countContacts,
  hostKey,
  startCheckLab,
  type CheckLab,
  type HostKey,
  type SshdTally,
} from './check-lab.js';
import type { CliResult } from './run-cli.js';

export interface KnownHostsCheck {
  result: CliResult;
  hosts: CheckJson[];
  reported: Map<string, CheckJson>;
  /** Connections and sessions each sshd saw during the check. */
  contacts: Record<string, SshdTally>;
}

export interface KnownHostsLab {
  readonly lab: Lab;
  /** Scratch directory for the test file's own files. */
  readonly tmp: string;
  /** Each lab host's real key, by host name. */
  readonly keys: ReadonlyMap<string, HostKey>;
  /** A new file `N-name` in the scratch directory holding `lines`, each ended by a newline; its path. */
  file(name: string, lines: string[]): Promise<string>;
  /** `check -o json -i LAB --known-hosts user --global-known-hosts global ...extra`, counting contacts. */
  check(user: string, global: string, extra?: string[]): Promise<KnownHostsCheck>;
}

/**
 * Starts a check lab of `hostNames.length` hosts in the calling describe's before() and stops it in its after();
 * the returned object's lab/tmp/keys are set once before() has run.
 */
export function useKnownHostsLab(hostNames: readonly string[], portBase: number): KnownHostsLab {
  let checkLab: CheckLab | undefined;
  const keys = new Map<string, HostKey>();
  let fileCount = 0;
  const started = (): CheckLab => {
    if (!checkLab) throw new Error('the known_hosts lab is used before its before() hook ran');
    return checkLab;
  };

  before(async () => {
    checkLab = await startCheckLab(hostNames.length, portBase);
    for (const host of hostNames) keys.set(host, await hostKey(checkLab.lab, host));
  });
  after(async () => {
    await checkLab?.down();
  });

  return {
    get lab() {
      return started().lab;
    },
    get tmp() {
      return started().tmp;
    },
    keys,
    async file(name, lines) {
      const written = path.join(started().tmp, `${++fileCount}-${name}`);
      await writeFile(written, lines.map((l) => `${l}\n`).join(''));
      return written;
    },
    async check(user, global, extra = []) {
      const { lab } = started();
      let answer: Awaited<ReturnType<typeof checkJson>> | undefined;
      const contacts = await countContacts(lab, async () => {
        answer = await checkJson([
          '-i',
          lab.inventoryFile,
          '--known-hosts',
          user,
          '--global-known-hosts',
          global,
          ...extra,
        ]);
      });
      if (!answer) throw new Error('check did not run');
      return { ...answer, reported: byHost(answer.hosts), contacts };
    },
  };
}
