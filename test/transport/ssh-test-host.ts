/** One sshd plus an isolated client side (own home, key, known_hosts) for the ssh2 integration tests. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultConnectOptions,
  type ConnectOptions,
  type Connection,
  type HostTarget,
} from '../../src/transport/connection.js';
import { formatKnownHostsLine } from '../../src/transport/host-key.js';
import { createSshConnect } from '../../src/transport/ssh-connect.js';
import { generateKey, type GeneratedKey } from './keygen-helper.js';
import { startSshd, type Sshd, type SshdOptions } from './sshd-helper.js';

export interface TestHost {
  sshd: Sshd;
  /** The client's home: no real ~/.ssh or agent is ever used. */
  homeDir: string;
  clientKey: GeneratedKey;
  target(overrides?: Partial<HostTarget>): HostTarget;
  /** A fresh known_hosts file holding exactly these lines. */
  knownHosts(lines: string[]): string;
  /** known_hosts line trusting the sshd's host key (the first one unless told). */
  trustedLine(index?: number): string;
  connect(options?: Partial<ConnectOptions>, target?: HostTarget, env?: NodeJS.ProcessEnv): Promise<Connection>;
  stop(): Promise<void>;
}

export async function startTestHost(options: SshdOptions = {}): Promise<TestHost> {
  const homeDir = mkdtempSync(join(tmpdir(), 'ctf-client-'));
  mkdirSync(join(homeDir, '.ssh'), { mode: 0o700 });
  const clientKey = generateKey(homeDir, 'client_key');
  const sshd = await startSshd({
    ...options,
    authorizedKeys: [clientKey.publicLine, ...(options.authorizedKeys ?? [])],
  });
  let files = 0;
  const host: TestHost = {
    sshd,
    homeDir,
    clientKey,
    target: (overrides = {}) => ({
      name: 'lab1',
      address: '127.0.0.1',
      port: sshd.port,
      user: 'root',
      privateKeyFile: clientKey.privateFile,
      become: false,
      becomeUser: 'root',
      vars: {},
      ...overrides,
    }),
    knownHosts: (lines) => {
      const file = join(homeDir, `known_hosts.${++files}`);
      writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
      return file;
    },
    trustedLine: (index = 0) =>
      formatKnownHostsLine('127.0.0.1', sshd.port, sshd.hostKeys[index]?.blob ?? Buffer.alloc(0)),
    connect: (options = {}, target = host.target(), env = {}) => {
      const connect = createSshConnect(() => ({ env, homeDir }));
      const knownHostsFile = options.knownHostsFile ?? host.knownHosts([host.trustedLine()]);
      // no global files unless a test names some: the machine's /etc/ssh never takes part
      return connect(target, {
        ...defaultConnectOptions,
        connectTimeoutMs: 5_000,
        globalKnownHostsFiles: [],
        ...options,
        knownHostsFile,
      });
    },
    stop: async () => {
      await sshd.stop();
      rmSync(homeDir, { recursive: true, force: true });
    },
  };
  return host;
}
