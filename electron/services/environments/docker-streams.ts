import type Docker from 'dockerode';

/**
 * Split a buffered multiplexed (non-TTY) docker stream into text. Frames are
 * [stream(1) 0 0 0 size(4, big endian)] + payload; a buffer without that header is raw text.
 */
export function demuxBuffer(buf: Buffer): { stdout: string; stderr: string; combined: string } {
  let stdout = '';
  let stderr = '';
  let combined = '';
  let off = 0;
  const looksMultiplexed = buf.length >= 8 && (buf[0] === 1 || buf[0] === 2 || buf[0] === 0) && buf[1] === 0 && buf[2] === 0 && buf[3] === 0;
  if (!looksMultiplexed) {
    const text = buf.toString('utf8');
    return { stdout: text, stderr: '', combined: text };
  }
  while (off + 8 <= buf.length) {
    const kind = buf[off];
    const size = buf.readUInt32BE(off + 4);
    const text = buf.subarray(off + 8, off + 8 + size).toString('utf8');
    if (kind === 2) stderr += text;
    else stdout += text;
    combined += text;
    off += 8 + size;
  }
  return { stdout, stderr, combined };
}

export async function lastLogLines(docker: Docker, containerId: string, lines = 20): Promise<string[]> {
  try {
    const raw = (await docker.getContainer(containerId).logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown as Buffer;
    return demuxBuffer(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw))).combined.split('\n').filter((l) => l.length > 0).slice(-lines);
  } catch {
    return [];
  }
}

export interface ExecResult {
  exitCode: number;
  output: string;
}

/** Run argv inside a running container (no shell, no TTY) and wait for its exit code. */
export async function execInContainer(
  docker: Docker,
  containerId: string,
  argv: string[],
  opts: { onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void; timeoutMs?: number } = {},
): Promise<ExecResult> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, Tty: false });
  const stream = (await exec.start({ hijack: true, stdin: false })) as NodeJS.ReadableStream & { destroy(): void };
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const sink = (kind: 'stdout' | 'stderr') => ({
      write(chunk: Buffer) {
        const text = chunk.toString('utf8');
        output += text;
        opts.onOutput?.(text, kind);
        return true;
      },
    });
    docker.modem.demuxStream(stream, sink('stdout') as unknown as NodeJS.WritableStream, sink('stderr') as unknown as NodeJS.WritableStream);
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          stream.destroy();
          reject(new Error(`command did not finish within ${opts.timeoutMs} ms`));
        }, opts.timeoutMs)
      : undefined;
    stream.on('end', () => {
      clearTimeout(timer);
      resolve();
    });
    stream.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    stream.on('error', (err: Error) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  // the exec may report Running for a moment after its output closed
  for (let i = 0; i < 50; i++) {
    const info = await exec.inspect();
    if (!info.Running) return { exitCode: info.ExitCode ?? -1, output };
    await new Promise((r) => setTimeout(r, 20));
  }
  return { exitCode: -1, output };
}
