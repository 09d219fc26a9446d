/**
 * The one framing of every remote reply: a request's output ends with `\n@@cf-end TOKEN STATUS\n` on stdout AND on
 * stderr (src/remote/session.sh, cf_reply). TOKEN is random per session and request, so no output of a command can
 * end a frame early; the newline before the marker is the framing's own and is not part of the body.
 */
export const endMarkerPrefix = '@@cf-end';

/** A frame taken off the front of a stream buffer. */
export interface Frame {
  body: Buffer;
  /** The request's exit status, 0–255 (128+N when a signal ended it). */
  status: number;
  /** Bytes after the marker line: the next request's output. */
  rest: Buffer;
}

/**
 * Takes the frame ending with `token`'s marker from the front of `buffer`; null while the marker (or the end of its
 * line) has not arrived yet. A marker with another token is body, never an end: output cannot fake one.
 */
export function takeFrame(buffer: Buffer, token: string): Frame | null {
  const marker = Buffer.from(`\n${endMarkerPrefix} ${token} `);
  const at = buffer.indexOf(marker);
  if (at < 0) return null;
  const statusStart = at + marker.length;
  const lineEnd = buffer.indexOf(0x0a, statusStart);
  if (lineEnd < 0) return null;
  const statusText = buffer.subarray(statusStart, lineEnd).toString('latin1');
  const status = /^\d{1,3}$/.test(statusText) ? Number(statusText) : Number.NaN;
  if (Number.isNaN(status)) return null;
  return { body: buffer.subarray(0, at), status, rest: buffer.subarray(lineEnd + 1) };
}

/** A fresh token: 16 hex digits, safe unquoted in sh. */
export function newToken(sequence: number, random: () => number = Math.random): string {
  const part = () => Math.floor(random() * 0x1_0000_0000).toString(16).padStart(8, '0');
  return `${sequence.toString(16)}x${part()}${part()}`;
}
