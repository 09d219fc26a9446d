/** A Connection that runs scripts on this machine (optionally in a netns, as another user); counts runScript calls. */
import type { Connection, ExecResult, HostTarget } from '../../src/transport/connection.js';
import { runScriptLocally } from './local-shell.js';

export interface LocalConnection extends Connection {
  readonly scripts: string[];
}

export const localTarget: HostTarget = {
  name: 'local',
  address: '127.0.0.1',
  port: 22,
  user: 'root',
  become: false,
  becomeUser: 'root',
  vars: {},
};

/**
 * `argv` starts the shell reading the script on stdin, e.g. ['ip', 'netns', 'exec', 'ns', 'sh', '-s']; `canned`
 * replaces running it (a function gets the script, to answer in its record token).
 */
export function localConnection(
  argv: string[],
  canned?: ExecResult | ((script: string) => ExecResult),
): LocalConnection {
  const scripts: string[] = [];
  return {
    target: localTarget,
    scripts,
    async runScript(script) {
      scripts.push(script);
      if (typeof canned === 'function') return canned(script);
      return canned ?? runScriptLocally(script, argv);
    },
    async hold() {
      throw new Error('not used by fact gathering');
    },
    async close() {},
    onLost() {},
  };
}
