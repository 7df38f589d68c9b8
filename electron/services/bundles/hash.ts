/**
 * Streamed SHA-256 of a file: reads into one reused buffer, so memory stays flat whatever the
 * file size. `onChunk` sees each chunk before the buffer is reused (for progress and scans).
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

export const HASH_CHUNK_BYTES = 4 * 1024 * 1024;

export async function sha256File(path: string, onChunk?: (chunk: Buffer) => void, buffer?: Buffer): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  const buf = buffer ?? Buffer.allocUnsafe(HASH_CHUNK_BYTES);
  const handle = await open(path, 'r');
  let size = 0;
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      hash.update(chunk);
      onChunk?.(chunk);
      size += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return { sha256: hash.digest('hex'), size };
}
