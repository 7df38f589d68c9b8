import { describe, expect, it } from 'vitest';
import { buildImageArchive, buildLayerTar } from '../../../examples/build/image-archive';
import { TarPatternScanner } from '../../../electron/services/capture/tar-scan';
import { tarMemberAt } from '../../../electron/services/capture/tar-locate';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';

async function scan(bytes: Buffer, chunk = 4096) {
  const s = new TarPatternScanner();
  for (let o = 0; o < bytes.length; o += chunk) s.push(bytes.subarray(o, o + chunk));
  return s.finish();
}

describe('credential scan of a tar, member by member', () => {
  const image = buildImageArchive({
    repoTag: 'scan/test:1',
    layers: [
      { files: [{ path: 'bin/tool', mode: 0o755, content: Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0]), Buffer.from(KEY)]) }] },
      { files: [{ path: 'etc/app/key.pem', mode: 0o600, content: KEY }, { path: 'etc/app/readme.txt', mode: 0o644, content: 'nothing here\n' }] },
    ],
    config: { Cmd: ['/bin/tool'] },
  });

  it('finds a key in a text file inside a layer of a docker-save archive and names it; binaries are not pattern-scanned', async () => {
    const hits = await scan(image.bytes);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ kind: 'private key block', line: 1 });
    expect(hits[0]!.member).toHaveLength(2);
    expect(hits[0]!.member[0]).toMatch(/\/layer\.tar$/);
    expect(hits[0]!.member[1]).toBe('etc/app/key.pem');
  });

  it('reads a snapshot tar (one level) the same way, whatever the chunk size', async () => {
    const snapshot = buildLayerTar({ files: [{ path: 'config/secret.env', mode: 0o644, content: `x=1\n${KEY}` }] });
    for (const chunk of [100, 512, 65536]) {
      const hits = await scan(snapshot, chunk);
      expect(hits.map((h) => [h.kind, h.member.join('/'), h.line])).toEqual([['private key block', 'config/secret.env', 2]]);
    }
  });

  it('falls back to scanning every byte when the stream is not a tar', async () => {
    const hits = await scan(Buffer.from(`not a tar at all ${KEY}`.padEnd(2048, ' ')));
    expect(hits.map((h) => h.kind)).toEqual(['private key block']);
  });

  it('names the member that holds a byte offset, following into a layer tar', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'repro-tar-locate-'));
    try {
      const file = join(dir, 'image.tar');
      writeFileSync(file, image.bytes);
      const at = image.bytes.indexOf('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', image.bytes.indexOf('etc/app/key.pem'));
      const member = await tarMemberAt(file, at);
      expect(member).toHaveLength(2);
      expect(member![1]).toBe('etc/app/key.pem');
      expect(await tarMemberAt(file, 10_000_000)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
