/**
 * Where the sudo password comes from when the inventory has none: CONNTRACK_FLEET_BECOME_PASSWORD, else one
 * hidden prompt on the terminal (-K / --ask-become-pass, as ansible-playbook -K). Asked once per process, only
 * when a host's sudo actually prompts; never echoed, logged or put in a message.
 */
import { ConnectError } from '../errors.js';
import type { HostTarget } from './connection.js';
import type { PromptHidden } from './passphrase.js';

export const becomePasswordEnvVar = 'CONNTRACK_FLEET_BECOME_PASSWORD';

/** Ansible's sudo become plugin reads the password from these (the later wins): never copied anywhere. */
export const becomePasswordVars = ['ansible_become_password', 'ansible_become_pass', 'ansible_sudo_pass'] as const;

export interface BecomePasswordSources {
  env: NodeJS.ProcessEnv;
  /** -K / --ask-become-pass was given. */
  ask: boolean;
  /** Absent when stdin is not a terminal. */
  prompt?: PromptHidden;
}

/**
 * The run-wide password source, or undefined when there is none (sudo then runs with -n and says
 * "a password is required" where one is). The env var wins over -K. Memoised: one prompt for the whole fleet.
 * Rejects with ConnectError('become') when -K is given but stdin is no terminal.
 */
export function runBecomePassword(sources: BecomePasswordSources): (() => Promise<string>) | undefined {
  const fromEnv = sources.env[becomePasswordEnvVar];
  if (fromEnv !== undefined && fromEnv !== '') return () => Promise.resolve(fromEnv);
  if (!sources.ask) return undefined;
  let asked: Promise<string> | undefined;
  return () => {
    if (!sources.prompt) {
      return Promise.reject(
        new ConnectError('become', `-K needs a terminal to ask on; set ${becomePasswordEnvVar} instead`),
      );
    }
    asked ??= sources.prompt('BECOME password: ');
    return asked;
  };
}

/** Targets that become and have no password of their own (ansible_become_password) get the run-wide one. */
export function withBecomePassword(targets: HostTarget[], password: (() => Promise<string>) | undefined): HostTarget[] {
  if (!password) return targets;
  return targets.map((t) => (t.become && !t.becomePassword ? { ...t, becomePassword: password } : t));
}
