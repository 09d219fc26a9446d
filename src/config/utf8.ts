/**
 * Strict UTF-8 decoding for input files: a byte that is not UTF-8 is refused with its offset instead of being
 * replaced by U+FFFD (which would silently change a host name or a path). Rules: RFC 3629 (no overlongs,
 * no surrogates, nothing above U+10FFFF).
 */
import { isUtf8 } from 'node:buffer';

/** `bytes` decoded; `{ badOffset }` (0-based byte offset of the first byte of the first bad sequence) when not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { badOffset: number } {
  if (isUtf8(bytes)) return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes) };
  return { badOffset: firstBadOffset(bytes) };
}

/** Offset of the first byte that starts an invalid sequence (RFC 3629 table 3.7 of Unicode ch. 3). */
export function firstBadOffset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length === 0) return i;
    i += length;
  }
  return bytes.length;
}

function sequenceLength(b: Uint8Array, i: number): number {
  const first = b[i] ?? 0;
  if (first < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const byte = b[i + k];
    return byte !== undefined && byte >= lo && byte <= hi;
  };
  if (first >= 0xc2 && first <= 0xdf) return cont(1) ? 2 : 0;
  if (first >= 0xe0 && first <= 0xef) {
    const lo = first === 0xe0 ? 0xa0 : 0x80;
    const hi = first === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (first >= 0xf0 && first <= 0xf4) {
    const lo = first === 0xf0 ? 0x90 : 0x80;
    const hi = first === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}
