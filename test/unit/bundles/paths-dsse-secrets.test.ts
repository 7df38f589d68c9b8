import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64, preAuthEncoding } from '../../../shared/bundle/dsse';
import { explainUnsafePath, isBundlePath } from '../../../shared/bundle/paths';
import { envValueLooksSecret, scanTextForSecrets } from '../../../shared/bundle/secrets';

describe('bundle path rules', () => {
  it('accepts canonical relative paths', () => {
    for (const p of ['bundle.json', 'images/a.tar', '.hidden', 'a/.b', '..a', 'a..', 'x y/z']) expect(isBundlePath(p), p).toBe(true);
  });
  it('refuses every non-canonical spelling, with a reason', () => {
    for (const p of ['', '/a', '../a', 'a/..', 'a/./b', './a', 'a//b', 'a/', 'a\\b', 'C:a', 'a\u0000b', 'a\nb']) {
      expect(isBundlePath(p), JSON.stringify(p)).toBe(false);
      expect(explainUnsafePath(p), JSON.stringify(p)).toBeTruthy();
    }
  });
  it('an accepted path never resolves outside the bundle folder (property)', () => {
    const root = '/tmp/bundle-root';
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', '.', '..', '', 'b.c', '...', '\\', 'C:'), { maxLength: 6 }), (segs) => {
        const p = segs.join('/');
        if (!isBundlePath(p)) return true;
        return resolve(root, p).startsWith(root + '/');
      }),
      { numRuns: 2000 },
    );
  });
  it('regex rule and explanation agree (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '.', '/', '\\', '\u0007', ':', 'Z') }), (p) => isBundlePath(p) === (explainUnsafePath(p) === undefined)),
      { numRuns: 2000 },
    );
  });
});

describe('DSSE pre-authentication encoding', () => {
  it('matches the DSSE protocol test vector', () => {
    const pae = preAuthEncoding('http://example.com/HelloWorld', new TextEncoder().encode('hello world'));
    expect(new TextDecoder().decode(pae)).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  });
  it('counts bytes, not characters', () => {
    const pae = preAuthEncoding('t', new TextEncoder().encode('é'));
    expect(Array.from(pae.slice(-4))).toEqual([0x32, 0x20, 0xc3, 0xa9]); // "2 " then the two UTF-8 bytes
  });
  it('base64 round-trips and accepts URL-safe input', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => Buffer.from(decodeBase64(encodeBase64(b))!).equals(Buffer.from(b))));
    expect(Array.from(decodeBase64('-_8')!)).toEqual([0xfb, 0xff]);
    expect(decodeBase64('not base64!')).toBeUndefined();
  });
});

describe('secrets heuristics', () => {
  it('finds credential shapes without echoing them', () => {
    const text = 'a\nb\n-----BEGIN OPENSSH PRIVATE KEY-----\nxxx\n';
    expect(scanTextForSecrets(text)).toEqual([{ kind: 'private key block', line: 3 }]);
    expect(scanTextForSecrets('key=AKIAIOSFODNN7EXAMPLE')[0]?.kind).toBe('AWS access key id');
    expect(scanTextForSecrets('{"name":"authorization","value":"Bearer abcdefghijklmnopqrstuvwxyz123"}')[0]?.kind).toBe('bearer token');
    expect(scanTextForSecrets('nothing to see, Bearer short')).toEqual([]);
  });
  it('judges env values by content and by name + shape', () => {
    expect(envValueLooksSecret('X', 'AKIAIOSFODNN7EXAMPLE')).toBeTruthy();
    expect(envValueLooksSecret('DB_PASSWORD', 'Zq8#kLm2!pR9vT4w')).toBeTruthy();
    expect(envValueLooksSecret('TOKEN_URL', 'http://auth:8080/token')).toBeUndefined();
    expect(envValueLooksSecret('LOG_LEVEL', 'debug')).toBeUndefined();
    expect(envValueLooksSecret('API_KEY_HEADER', 'x-api-key')).toBeUndefined();
  });
});
