/**
 * The ssh2 floor, run as its own process by the benchmark:
 *   node --import tsx test/bench/ssh2-floor.ts HOSTS_FILE [AT_ONCE]   (lines: PORT PRIVATE_KEY KNOWN_HOSTS; root@127.0.0.1)
 * AT_ONCE hosts at a time (default all; the benchmark passes its forks, N unless -f): TCP connect, SSH handshake
 * with the tool's key exchange and ciphers (src/transport/algorithms.ts),
 * host key checked against the known_hosts line, public-key login, one exec channel running `true`, disconnect.
 * Prints one JSON line: { wallS, cpuS, maxRssMb, failures, firstError }: wall and CPU of the SSH work only (from
 * the first connect to the last close, so node and tsx start-up are not in it), peak RSS of the whole process.
 */
import { readFileSync } from 'node:fs';
import pLimit from 'p-limit';
import { Client } from 'ssh2';
import { cipherAlgorithms, kexAlgorithms } from '../../src/transport/algorithms.js';

interface Target {
  port: number;
  key: Buffer;
  hostKeys: Set<string>;
}

const fileCache = new Map<string, string>();
const readCached = (file: string): string => {
  const text = fileCache.get(file) ?? readFileSync(file, 'utf8');
  fileCache.set(file, text);
  return text;
};

function targetsFrom(hostsFile: string): Target[] {
  return readFileSync(hostsFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [port = '', keyFile = '', knownHostsFile = ''] = line.split(' ');
      const hostKeys = new Set(
        readCached(knownHostsFile)
          .split('\n')
          .filter((l) => l.startsWith(`[127.0.0.1]:${port} `))
          .map((l) => l.split(' ')[2] ?? ''),
      );
      return { port: Number(port), key: Buffer.from(readCached(keyFile)), hostKeys };
    });
}

function connectAndRunTrue(target: Target): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once('error', reject);
    client.once('ready', () => {
      client.exec('true', (error, stream) => {
        if (error) return reject(error);
        stream.resume();
        stream.once('exit', (code: number | null) =>
          code === 0 ? undefined : reject(new Error(`true exited ${code}`)),
        );
        stream.once('close', () => client.end());
      });
    });
    client.once('close', () => resolve());
    client.connect({
      host: '127.0.0.1',
      port: target.port,
      username: 'root',
      privateKey: target.key,
      readyTimeout: 60_000,
      hostVerifier: (key: Buffer) => target.hostKeys.has(key.toString('base64')),
      algorithms: { kex: kexAlgorithms, cipher: cipherAlgorithms, serverHostKey: ['ssh-ed25519'] },
    });
  });
}

const targets = targetsFrom(process.argv[2] ?? '');
const limit = pLimit(Number(process.argv[3] ?? targets.length) || targets.length);
const cpuBefore = process.cpuUsage();
const started = process.hrtime.bigint();
const results = await Promise.allSettled(targets.map((target) => limit(() => connectAndRunTrue(target))));
const wallS = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuBefore);
const failures = results.filter((r) => r.status === 'rejected');
const firstError = failures[0]?.status === 'rejected' ? String(failures[0].reason) : null;
const maxRssMb = process.resourceUsage().maxRSS / 1024;
console.log(
  JSON.stringify({ wallS, cpuS: (cpu.user + cpu.system) / 1e6, maxRssMb, failures: failures.length, firstError }),
);
