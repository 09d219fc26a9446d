/** Pure: `apt-cache show` stanzas → package records, and the closure of the packages the guest needs. */

export interface PackageRecord {
  name: string;
  version: string;
  architecture: string;
  /** First alternative of every Depends and Pre-Depends entry, without version or arch qualifiers. */
  depends: string[];
}

export function parseAptShow(text: string): PackageRecord[] {
  return text
    .split(/\n\s*\n/)
    .map(parseStanza)
    .filter((record): record is PackageRecord => record !== null);
}

function parseStanza(stanza: string): PackageRecord | null {
  const fields = parseFields(stanza);
  const name = fields.get('Package');
  const version = fields.get('Version');
  if (!name || !version) return null;
  const depends = [fields.get('Pre-Depends'), fields.get('Depends')].flatMap((field) => parseDependsField(field ?? ''));
  return { name, version, architecture: fields.get('Architecture') ?? 'amd64', depends };
}

function parseFields(stanza: string): Map<string, string> {
  const fields = new Map<string, string>();
  let current = '';
  for (const line of stanza.split('\n')) {
    if (/^\s/.test(line) && current) {
      fields.set(current, `${fields.get(current) ?? ''} ${line.trim()}`);
      continue;
    }
    const match = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
    if (!match) continue;
    current = match[1]!;
    fields.set(current, match[2]!);
  }
  return fields;
}

/** `a (>= 1), b | c, d:any, e [amd64]` → [a, b, d, e] */
export function parseDependsField(field: string): string[] {
  return field
    .split(',')
    .map((entry) => entry.split('|')[0]!.trim())
    .map((entry) =>
      entry
        .replace(/\(.*?\)|\[.*?\]|<.*?>/g, '')
        .trim()
        .replace(/:\w+$/, ''),
    )
    .filter((name) => name.length > 0);
}

/** Shared libraries only: the guest runs binaries, not maintainer scripts, so tools like debconf stay out. */
export function isFollowedDepend(name: string, skipped: ReadonlySet<string>): boolean {
  return /^(lib|zlib)/.test(name) && !skipped.has(name);
}

/** Names still to look up: Depends of known records that are followed and not yet known. */
export function missingDepends(records: ReadonlyMap<string, PackageRecord>, skipped: ReadonlySet<string>): string[] {
  const missing = new Set<string>();
  for (const record of records.values()) {
    for (const name of record.depends) {
      if (!records.has(name) && isFollowedDepend(name, skipped)) missing.add(name);
    }
  }
  return [...missing].sort();
}

/** The file name `apt-get download` gives a package (the epoch colon is URL-encoded). */
export function debFileName(record: PackageRecord): string {
  return `${record.name}_${record.version.replace(':', '%3a')}_${record.architecture}.deb`;
}

/** Newest of several versions by Debian's order is left to apt; here only kernel ABI numbers are compared. */
export function pickNewestKernel(names: string[], pattern: RegExp): string | undefined {
  const abi = (name: string): number => Number(/-(\d+)-cloud/.exec(name)?.[1] ?? -1);
  return names.filter((name) => pattern.test(name)).sort((a, b) => abi(b) - abi(a))[0];
}
