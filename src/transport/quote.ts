/** Quotes a value for a POSIX shell: the ONLY way a value may enter a remote script. */
export function quoteShell(value: string | number): string {
  const text = String(value);
  if (text.includes('\0')) throw new Error('a shell argument cannot contain a NUL byte');
  if (/^[A-Za-z0-9_/.,:=+@%-]+$/.test(text)) return text;
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
