/**
 * POSIX sh that walks a symlink chain, shared by the gather (snapshot) and the write path (apply, undo, journal),
 * so both see the same chain the same way.
 *
 * `lc_walk PATH` sets:
 *   lc_chain  " HEX(link)=HEX(readlink link) …", one token per link from PATH on, '' for a path that is no link
 *   lc_end    the first path of the chain that is not a link (the regular file, a directory, or a missing name)
 * and fails on a loop (more than 40 links: the kernel's MAXSYMLINKS, path_resolution(7)) or an unreadable link.
 * A relative target is joined to the link's directory, which the kernel then resolves physically, as it does
 * for the link itself. Hex (od, in busybox too) keeps any byte of a name on one line and out of the shell.
 */
import { remoteScript } from '../remote/scripts.js';

export const linkChainFunctions = remoteScript('link-chain.sh');

/** The `lc_chain` string for these links: what lc_walk prints when the chain on the host is exactly this one. */
export function encodeLinkChain(links: { path: string; target: string }[]): string {
  const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex');
  return links.map((link) => ` ${hex(link.path)}=${hex(link.target)}`).join('');
}

/** Links from `lc_chain` tokens (`HEX=HEX`), or null when a token is malformed. */
export function decodeLinkTokens(tokens: string[]): { path: string; target: string }[] | null {
  const links: { path: string; target: string }[] = [];
  for (const token of tokens) {
    const match = /^((?:[0-9a-f]{2})+)=((?:[0-9a-f]{2})+)$/.exec(token);
    if (!match) return null;
    links.push({
      path: Buffer.from(match[1] ?? '', 'hex').toString('utf8'),
      target: Buffer.from(match[2] ?? '', 'hex').toString('utf8'),
    });
  }
  return links;
}
