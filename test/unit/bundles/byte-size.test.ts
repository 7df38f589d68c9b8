import { describe, expect, it } from 'vitest';
import { parseByteSize } from '../../../electron/services/bundles/limits';

describe('parseByteSize (--max-bytes)', () => {
  it('reads IEC units as powers of 1024 and SI units as powers of 1000, as their names say (issue 21)', () => {
    expect(parseByteSize('1MB')).toBe(1_000_000);
    expect(parseByteSize('1MiB')).toBe(1_048_576);
    expect(parseByteSize('2GB')).toBe(2_000_000_000);
    expect(parseByteSize('20GiB')).toBe(20 * 2 ** 30);
    expect(parseByteSize('1.5 kB')).toBe(1500);
    expect(parseByteSize('512')).toBe(512);
    expect(parseByteSize('4k')).toBe(4096); // docker's bare letters are binary
  });

  it('refuses what is not a size, naming both kinds of unit', () => {
    expect(() => parseByteSize('12 parsecs')).toThrow(/20GiB.*2GB.*GB = 10\^9 bytes, GiB = 2\^30/);
    expect(() => parseByteSize('0')).toThrow(/out of range/);
    expect(() => parseByteSize('-1MB')).toThrow(/expected a size/);
  });
});
