/** Trace files reach the UI in chunks that never split a UTF-8 character. */
import { describe, expect, it } from 'vitest';
import { utf8Boundary } from '../../../electron/services/traces/source';

describe('utf8Boundary', () => {
  it('cuts before a character whose bytes would straddle the chunk end', () => {
    const bytes = new TextEncoder().encode('ab€c😀d'); // € = 3 bytes, 😀 = 4 bytes
    const decoded: string[] = [];
    for (let size = 1; size <= bytes.length; size++) {
      // Read the whole buffer in chunks of `size` bytes, as the reader does.
      let off = 0;
      let text = '';
      while (off < bytes.length) {
        const n = Math.min(size, bytes.length - off);
        const chunk = bytes.subarray(off, off + n);
        const eof = off + n >= bytes.length;
        let end = eof ? n : utf8Boundary(chunk, n);
        if (end === 0) end = n; // a chunk smaller than one character: the reader asks >= 1 KiB, never this small
        text += new TextDecoder('utf-8', { fatal: size >= 4 }).decode(chunk.subarray(0, end));
        off += end;
      }
      decoded.push(text);
    }
    for (const t of decoded.slice(3)) expect(t).toBe('ab€c😀d');
    expect(utf8Boundary(bytes, 3)).toBe(2); // inside €
    expect(utf8Boundary(bytes, 5)).toBe(5); // right after €
    expect(utf8Boundary(bytes, 8)).toBe(6); // inside 😀
  });
});
