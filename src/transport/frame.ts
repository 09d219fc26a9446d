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
export function takeFrame(buffer: Buffer, token: string, searchFrom = 0): Frame | null {
  const marker = Buffer.from(`\n${endMarkerPrefix} ${token} `);
  const at = buffer.indexOf(marker, Math.max(0, searchFrom));
  if (at < 0) return null;
  const statusStart = at + marker.length;
  const lineEnd = buffer.indexOf(0x0a, statusStart);
  if (lineEnd < 0) return null;
  const statusText = buffer.subarray(statusStart, lineEnd).toString('latin1');
  const status = /^\d{1,3}$/.test(statusText) ? Number(statusText) : Number.NaN;
  if (Number.isNaN(status)) return null;
  return { body: buffer.subarray(0, at), status, rest: buffer.subarray(lineEnd + 1) };
}

/** Where a stream buffer of `length` bytes, already searched, must be searched again: a marker may straddle chunks. */
export function rescanFrom(length: number, token: string): number {
  // the longest partial marker line: "\n@@cf-end TOKEN 255" without its newline
  return Math.max(0, length - (endMarkerPrefix.length + token.length + 7));
}

/**
 * A growing byte buffer with doubling capacity: appending a big reply chunk by chunk costs O(total), not O(total²)
 * as Buffer.concat per chunk would (iptables-save on a kube-proxy host prints megabytes).
 */
export class StreamBuffer {
  private bytes = Buffer.alloc(0);
  private used = 0;

  get length(): number {
    return this.used;
  }

  append(chunk: Buffer): void {
    if (this.used + chunk.length > this.bytes.length) {
      const grown = Buffer.alloc(Math.max(this.used + chunk.length, this.bytes.length * 2, 4096));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
    chunk.copy(this.bytes, this.used);
    this.used += chunk.length;
  }

  /** The bytes held now (a view: valid until the next append or replace). */
  view(): Buffer {
    return this.bytes.subarray(0, this.used);
  }

  /** Keeps only `rest` (copied), e.g. what follows a frame. */
  replace(rest: Buffer): void {
    const kept = Buffer.from(rest);
    this.bytes = kept;
    this.used = kept.length;
  }
}

/** A fresh token: 16 hex digits, safe unquoted in sh. */
export function newToken(sequence: number, random: () => number = Math.random): string {
  const part = () =>
    Math.floor(random() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0');
  return `${sequence.toString(16)}x${part()}${part()}`;
}
