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

// `stoppable` execs start through a shell that prints its own pid (between two RS characters, on
// stderr, before anything else) and then becomes the command with `exec`. Docker cannot stop an
// exec, so on a timeout or a cancel that pid is how the command and everything it started are
// found and killed, instead of being left running inside the reproduction.
const PID_MARK = '\u001erepro-exec-pid:';
const PID_WRAPPER = `printf '\\036repro-exec-pid:%s\\036' "$$" >&2; exec "$@"`;
// Collect the whole tree first (children re-parent to init once their parent dies), then TERM it,
// and KILL whatever is left a second later.
const KILL_TREE = 't() { echo "$1"; for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do t "$c"; done; }; p=$(t "$1"); kill -TERM $p 2>/dev/null; sleep 1; kill -KILL $p 2>/dev/null; exit 0';

export class ExecStoppedError extends Error {
  override name = 'ExecStoppedError';
  constructor(
    message: string,
    readonly reason: 'timeout' | 'cancelled',
    readonly output: string,
  ) {
    super(message);
  }
}

/** Kill a process and its descendants inside the container (best effort, bounded). */
async function killTree(docker: Docker, containerId: string, pid: number): Promise<void> {
  try {
    const exec = await docker.getContainer(containerId).exec({ Cmd: ['/bin/sh', '-c', KILL_TREE, 'repro-kill', String(pid)], AttachStdout: true, AttachStderr: true, Tty: false });
    const stream = (await exec.start({ hijack: true, stdin: false })) as NodeJS.ReadableStream & { destroy(): void };
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        stream.destroy();
        resolve();
      }, 5_000);
      stream.resume();
      const done = () => {
        clearTimeout(t);
        resolve();
      };
      stream.on('end', done);
      stream.on('close', done);
      stream.on('error', done);
    });
  } catch {
    // The container may be gone already: then so is the process.
  }
}

/**
 * Run argv inside a running container (no TTY) and wait for its exit code. With `stoppable`
 * (the container must have /bin/sh), a timeout or an aborted signal kills the command and its
 * descendants and rejects with ExecStoppedError; otherwise a timeout only stops waiting.
 */
export async function execInContainer(
  docker: Docker,
  containerId: string,
  argv: string[],
  opts: { onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void; timeoutMs?: number; signal?: AbortSignal; stoppable?: boolean } = {},
): Promise<ExecResult> {
  if (opts.signal?.aborted) throw new ExecStoppedError('cancelled before it started', 'cancelled', '');
  const stoppable = opts.stoppable === true;
  const cmd = stoppable ? ['/bin/sh', '-c', PID_WRAPPER, 'repro-exec', ...argv] : argv;
  const exec = await docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false });
  const stream = (await exec.start({ hijack: true, stdin: false })) as NodeJS.ReadableStream & { destroy(): void };
  let output = '';
  let pid: number | undefined;
  // stderr is held back until the pid mark has been read off it (it comes first).
  let stderrHead = stoppable ? '' : undefined;
  await new Promise<void>((resolve, reject) => {
    const emit = (text: string, kind: 'stdout' | 'stderr') => {
      if (!text) return;
      output += text;
      opts.onOutput?.(text, kind);
    };
    const sink = (kind: 'stdout' | 'stderr') => ({
      write(chunk: Buffer) {
        let text = chunk.toString('utf8');
        if (kind === 'stderr' && stderrHead !== undefined) {
          stderrHead += text;
          if (stderrHead.length < PID_MARK.length && PID_MARK.startsWith(stderrHead)) return true;
          if (stderrHead.startsWith(PID_MARK)) {
            const end = stderrHead.indexOf('\u001e', PID_MARK.length);
            if (end < 0 && stderrHead.length <= 64) return true;
            if (end >= 0) pid = Number(stderrHead.slice(PID_MARK.length, end));
            text = end >= 0 ? stderrHead.slice(end + 1) : stderrHead;
          } else text = stderrHead;
          stderrHead = undefined;
        }
        emit(text, kind);
        return true;
      },
    });
    docker.modem.demuxStream(stream, sink('stdout') as unknown as NodeJS.WritableStream, sink('stderr') as unknown as NodeJS.WritableStream);
    let settled = false;
    let stopping = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      if (stderrHead) emit(stderrHead, 'stderr');
      stderrHead = undefined;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    };
    const stop = (reason: 'timeout' | 'cancelled') => {
      if (settled || stopping) return;
      stopping = true;
      stream.destroy();
      const message = reason === 'timeout' ? `command did not finish within ${opts.timeoutMs} ms` : 'cancelled';
      if (!stoppable || pid === undefined) return finish(reason === 'timeout' ? new Error(message) : new ExecStoppedError(message, reason, output));
      void killTree(docker, containerId, pid).then(() => finish(new ExecStoppedError(`${message}; stopped it and everything it started`, reason, output)));
    };
    const onAbort = () => stop('cancelled');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = opts.timeoutMs ? setTimeout(() => stop('timeout'), opts.timeoutMs) : undefined;
    // While stopping, the stream closing is our own doing: the kill decides how this ends.
    stream.on('end', () => stopping || finish());
    stream.on('close', () => stopping || finish());
    stream.on('error', (err: Error) => stopping || finish(err));
  });
  // the exec may report Running for a moment after its output closed
  for (let i = 0; i < 50; i++) {
    const info = await exec.inspect();
    if (!info.Running) return { exitCode: info.ExitCode ?? -1, output };
    await new Promise((r) => setTimeout(r, 20));
  }
  return { exitCode: -1, output };
}
