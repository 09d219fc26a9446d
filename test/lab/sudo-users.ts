/**
 * Normal (non-root) login users inside one lab host, for become tests: PASSWORD_USER may run anything through sudo
 * after giving its password (sudoers `ALL=(ALL:ALL) ALL`, as a stock Debian `sudo` group member), NO_SUDO_USER has a
 * password but no sudo rights. Both log in with the lab key (the lab's sshd reads ONE AuthorizedKeysFile for all
 * users). Everything is written inside the host's own mount namespace (its /etc copy, its /var/lib overlay), so
 * the machine's users and sudoers are untouched and `lab.down()` removes it all.
 */
import { chmod } from 'node:fs/promises';
import path from 'node:path';
import type { Lab } from './lab.js';
import { labPathsFor } from './layout.js';

export interface LabSudoUsers {
  passwordUser: string;
  password: string;
  noSudoUser: string;
  noSudoPassword: string;
}

export const labSudoUsers: LabSudoUsers = {
  passwordUser: 'cfsudo',
  password: 'lab-Sudo-pw 7#x',
  noSudoUser: 'cfnosudo',
  noSudoPassword: 'lab-NoSudo-pw 9%y',
};

function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * sshd reads authorized keys AS the user logging in: the lab's shared file and the directories above it (a mkdtemp
 * dir is 0700) must be readable by others. Only the lab's own dirs are opened, never /tmp or above; the private
 * key stays 0600.
 */
async function openAuthorizedKeys(lab: Lab): Promise<void> {
  const file = labPathsFor(lab.dir).authorizedKeysFile;
  await chmod(file, 0o644);
  for (
    let dir = path.dirname(file);
    dir !== path.dirname(dir) && dir !== '/tmp' && dir.startsWith('/tmp/');
    dir = path.dirname(dir)
  ) {
    await chmod(dir, 0o711);
  }
}

/** Adds both users and the sudoers rule to HOST; throws with the host's stderr when a command fails. */
export async function addLabSudoUsers(lab: Lab, host: string, users: LabSudoUsers = labSudoUsers): Promise<void> {
  await openAuthorizedKeys(lab);
  const addUser = (name: string, password: string) =>
    `useradd -M -d /var/lib/${name} -s /bin/sh ${name} && mkdir -p /var/lib/${name} && chown ${name} /var/lib/${name} && ` +
    `printf '%s:%s\\n' ${name} ${quote(password)} | chpasswd`;
  const script = [
    'set -e',
    addUser(users.passwordUser, users.password),
    addUser(users.noSudoUser, users.noSudoPassword),
    `printf '%s ALL=(ALL:ALL) ALL\\n' ${users.passwordUser} > /etc/sudoers.d/conntrack-fleet-lab`,
    'chmod 0440 /etc/sudoers.d/conntrack-fleet-lab',
    // sudo warns "unable to resolve host" on every call when the UTS host name is unknown
    'grep -q "[[:space:]]$(hostname)$" /etc/hosts || printf "127.0.1.1 %s\\n" "$(hostname)" >> /etc/hosts',
  ].join('\n');
  const result = await lab.exec(host, script);
  if (result.exitCode !== 0)
    throw new Error(`${host}: could not add the sudo lab users (exit ${result.exitCode}): ${result.stderr}`);
}
