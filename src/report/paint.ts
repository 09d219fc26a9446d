/** ANSI styling that is a no-op when color is off, so callers never branch on it. */

export type PaintFn = (text: string) => string;

export interface Paint {
  enabled: boolean;
  red: PaintFn;
  green: PaintFn;
  yellow: PaintFn;
  dim: PaintFn;
  bold: PaintFn;
}

const codes = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  dim: [2, 22],
  bold: [1, 22],
} as const;

function wrapWith(open: number, close: number): PaintFn {
  return (text) => (text === '' ? text : `\x1b[${open}m${text}\x1b[${close}m`);
}

const identity: PaintFn = (text) => text;

export function createPaint(enabled: boolean): Paint {
  const pick = (name: keyof typeof codes): PaintFn => (enabled ? wrapWith(codes[name][0], codes[name][1]) : identity);
  return {
    enabled,
    red: pick('red'),
    green: pick('green'),
    yellow: pick('yellow'),
    dim: pick('dim'),
    bold: pick('bold'),
  };
}
