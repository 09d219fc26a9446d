/** One gather output block, as the script prints it: `@@begin HEADER`, `|lines`, `!stderr`, `@@rc N`, `@@end`. */
export function section(header: string, lines: string[], rc?: number, stderr: string[] = []): string {
  const rcLine = rc === undefined ? [] : [`@@rc ${rc}`];
  return [`@@begin ${header}`, ...lines.map((l) => `|${l}`), ...stderr.map((l) => `!${l}`), ...rcLine, '@@end'].join(
    '\n',
  );
}
