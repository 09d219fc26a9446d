/**
 * The remote shell lives in real `.sh` files beside this module (checked by `npm run shellcheck`); `npm run build` copies
 * them into dist/remote. Read once per process, on first use.
 */
import { readFileSync } from 'node:fs';

const cache = new Map<string, string>();

/** The text of src/remote/NAME (e.g. `gather.sh`); throws if the file is missing (a broken build). */
export function remoteScript(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
    cache.set(name, text);
  }
  return text;
}
