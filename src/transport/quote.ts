/** Quotes a value for a POSIX shell: the ONLY way a value may enter a remote script. */
export function quoteShell(value: string | number): string {
  const text = String(value);
  if (text.includes('\0')) throw new Error('a shell argument cannot contain a NUL byte');
  if (/^[A-Za-z0-9_/.,:=+@%-]+$/.test(text)) return text;
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * Tagged template for remote shell: sh`rm -f ${path}` quotes every interpolated value with quoteShell, so a value can
 * never become code; the literal parts are the script's own text (pyinfra's StringCommand + QuoteString model).
 */
export function sh(literals: TemplateStringsArray, ...values: (string | number)[]): string {
  return literals.reduce(
    (script, literal, index) =>
      script + (index === 0 ? '' : quoteShell(values[index - 1] as string | number)) + literal,
    '',
  );
}
