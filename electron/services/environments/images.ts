import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import type Docker from 'dockerode';
import { WorkbenchError } from '../../../shared/api/errors';
import type { ServiceSpec } from '../../../shared/bundle/manifest';
import { cancelledError, throwIfCancelled, unlessCancelled } from '../abort';

export interface ImageProgress {
  service: string;
  imageId: string;
  phase: 'present' | 'loading' | 'loaded' | 'pulling' | 'pulled';
  bytesDone?: number;
  bytesTotal?: number;
}

export async function imageExists(docker: Docker, id: string): Promise<boolean> {
  try {
    await docker.getImage(id).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

/** Read a docker JSON-message stream to its end; an `error` message becomes an exception. */
async function drainJsonMessages(stream: NodeJS.ReadableStream): Promise<Array<Record<string, unknown>>> {
  const messages: Array<Record<string, unknown>> = [];
  let buffered = '';
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    buffered += chunk.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line) messages.push(parseMessage(line));
    }
  }
  if (buffered.trim()) messages.push(parseMessage(buffered.trim()));
  const failed = messages.find((m) => m.error || m.errorDetail);
  if (failed) throw new Error(String(failed.error ?? JSON.stringify(failed.errorDetail)));
  return messages;
}

function parseMessage(line: string): Record<string, unknown> {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { stream: line };
  }
}

/**
 * Make sure the engine has the service's image with exactly the manifest's id: already present
 * (by id) -> nothing to do; archive -> docker load with byte progress; else pull the ref (and
 * still demand the id). A loaded image with another id is an error, never silently used.
 */
export async function ensureImage(
  docker: Docker,
  service: ServiceSpec,
  bundleRoot: string,
  onProgress: (p: ImageProgress) => void = () => {},
  signal?: AbortSignal,
): Promise<void> {
  const { id, archive, ref } = service.image;
  throwIfCancelled(signal);
  const base = { service: service.name, imageId: id };
  if (await imageExists(docker, id)) {
    onProgress({ ...base, phase: 'present' });
    return;
  }
  if (archive) {
    const file = join(bundleRoot, archive);
    const total = statSync(file).size;
    let done = 0;
    let lastReport = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        done += chunk.length;
        const now = Date.now();
        if (now - lastReport > 100 || done === total) {
          lastReport = now;
          onProgress({ ...base, phase: 'loading', bytesDone: done, bytesTotal: total });
        }
        cb(null, chunk);
      },
    });
    onProgress({ ...base, phase: 'loading', bytesDone: 0, bytesTotal: total });
    let messages: Array<Record<string, unknown>>;
    const input = createReadStream(file);
    // Cancelling stops feeding the engine: the load request fails and nothing is tagged.
    const onAbort = () => {
      input.destroy();
      counter.destroy(cancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const response = (await unlessCancelled(docker.loadImage(input.pipe(counter), { quiet: true }), signal)) as unknown as NodeJS.ReadableStream;
      messages = await unlessCancelled(drainJsonMessages(response), signal);
    } catch (err) {
      throwIfCancelled(signal);
      throw new WorkbenchError('bundle_invalid', `Loading image archive ${archive} for service "${service.name}" failed: ${(err as Error).message}`);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    throwIfCancelled(signal);
    if (!(await imageExists(docker, id))) {
      const loaded = messages.map((m) => String(m.stream ?? '').trim()).filter(Boolean).join('; ');
      throw new WorkbenchError(
        'bundle_invalid',
        `Image archive ${archive} of service "${service.name}" did not produce image ${id} (the engine reported: ${loaded || 'nothing'}); the archive does not match image.id`,
        { service: service.name, expected: id, loaded },
      );
    }
    onProgress({ ...base, phase: 'loaded', bytesDone: total, bytesTotal: total });
    return;
  }
  onProgress({ ...base, phase: 'pulling' });
  try {
    const stream = (await docker.pull(ref)) as NodeJS.ReadableStream;
    await drainJsonMessages(stream);
  } catch (err) {
    throw new WorkbenchError(
      'unavailable',
      `Service "${service.name}" has no image archive in the bundle and pulling ${ref} failed (offline or registry unreachable?): ${(err as Error).message}. Connect to the registry, or load the image yourself (docker load) so that ${id} is present.`,
      { service: service.name, ref, id },
    );
  }
  if (!(await imageExists(docker, id))) {
    const got = await docker.getImage(ref).inspect().then((i) => i.Id, () => 'nothing');
    throw new WorkbenchError('bundle_invalid', `Pulled ${ref} for service "${service.name}" but its id is ${got}, not the captured ${id}; the tag moved since the incident`, {
      service: service.name,
      expected: id,
      actual: got,
    });
  }
  onProgress({ ...base, phase: 'pulled' });
}
