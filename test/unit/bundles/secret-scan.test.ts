import { describe, expect, it } from 'vitest';
import { SecretScanner } from '../../../electron/services/bundles/secret-scan';

function scan(chunks: (string | Buffer)[], opts: ConstructorParameters<typeof SecretScanner>[0]) {
  const s = new SecretScanner(opts);
  for (const c of chunks) s.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
  return { patterns: s.finish(), values: s.values() };
}

describe('SecretScanner', () => {
  it('finds a known value split across two chunks, with its offset, and never reports the value', () => {
    const r = scan(['xxxxxxxxsuper-sec', 'ret-value-1yyyy'], { textByName: false, values: [{ label: 'API_TOKEN of service web', value: 'super-secret-value-1' }] });
    expect(r.values).toEqual([{ label: 'API_TOKEN of service web', offset: 8 }]);
    expect(JSON.stringify(r)).not.toContain('super-secret');
  });

  it('finds a value inside a later chunk at the right offset', () => {
    const r = scan(['a'.repeat(100), 'bbbbTOKEN-12345678bbbb'], { textByName: true, values: [{ label: 'T', value: 'TOKEN-12345678' }] });
    expect(r.values).toEqual([{ label: 'T', offset: 104 }]);
  });

  it('looks for short values in text only: a binary file would match them by chance', () => {
    const binary = Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from('abc123')]);
    expect(scan([binary], { textByName: false, values: [{ label: 'PIN', value: 'abc123' }] }).values).toEqual([]);
    expect(scan(['pin=abc123'], { textByName: false, values: [{ label: 'PIN', value: 'abc123' }] }).values).toEqual([{ label: 'PIN', offset: 4 }]);
  });

  it('scans binary content for patterns only when asked (capture scans tars; verify does not)', () => {
    const tar = Buffer.concat([Buffer.from([0, 0, 0]), Buffer.from('-----BEGIN PRIVATE KEY-----\nMII')]);
    expect(scan([tar], { textByName: false }).patterns).toEqual([]);
    expect(scan([tar], { textByName: false, allBytes: true }).patterns).toEqual([{ kind: 'private key block', offset: 0 }]);
    expect(scan(['ok\n', 'line two -----BEGIN PRIVATE KEY-----'], { textByName: true }).patterns).toEqual([{ kind: 'private key block', line: 2 }]);
  });
});
