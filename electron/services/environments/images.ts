import { Transform } from 'node:stream';
import type Docker from 'dockerode';
import { WorkbenchError } from '../../../shared/api/errors';
import type { ServiceSpec } from '../../../shared/bundle/manifest';
import { cancelledError, throwIfCancelled, unlessCancelled } from '../abort';
import { bundleFileStream } from '../bundles/bundle-path';

export interface ImageProgress {
  service: string;
  imageId: string;
  phase: 'present' | 'loading' | 'loaded' | 'pulling' | 'pulled';
  bytesDone?: number;
  bytesTotal?: number;
  /** Something the engineer should know (e.g. the ref's tag was left on another image). */
  note?: string;
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
export async function drainJsonMessages(stream: NodeJS.ReadableStream): Promise<Array<Record<string, unknown>>> {
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

/** `repo:tag` of a ref, or undefined when it is pinned by digest (nothing to tag then). */
export function splitRef(ref: string): { repo: string; tag: string } | undefined {
  if (ref.includes('@')) return undefined;
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { repo: ref, tag: 'latest' };
}

/**
 * Give the loaded image the manifest's ref as a name, but only when that name is free (or is
 * already this image): a tag the machine uses for something else is never moved. Containers run
 * by image id, so the session works either way. Returns a note when the tag was left alone.
 */
async function tagIfFree(docker: Docker, id: string, ref: string): Promise<string | undefined> {
  const name = splitRef(ref);
  if (!name) return undefined;
  const current = await docker.getImage(ref).inspect().then((i) => i.Id, (err: { statusCode?: number }) => (err.statusCode === 404 ? undefined : Promise.reject(err)));
  if (current === id) return undefined;
  if (current) return `${ref} already names another image (${current.slice(0, 19)}…) on this machine; it was left as it is and the session runs ${id.slice(0, 19)}… by id`;
  await docker.getImage(id).tag(name);
  return undefined;
}

/**
 * Make sure the engine has the service's image with exactly the manifest's id: already present
 * (by id) -> nothing to do; archive -> docker load with byte progress, applying none of the
 * archive's own names (they could move a tag the machine uses) and refusing an archive of more
 * than one image; else pull the ref (and still demand the id), but never over an existing tag.
 * A loaded image with another id is an error, never silently used. The ref is tagged only when
 * the tag is free.
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
    // (the tar rewriting loads only when an image is loaded: an up whose images are present needs none)
    const { untaggedImageStream } = await import('./untagged-image-stream');
    const { stream: input, size: total } = await bundleFileStream(bundleRoot, archive);
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
    let refused: Error | undefined;
    const untagged = untaggedImageStream().on('error', (err) => (refused = err));
    // Cancelling stops feeding the engine: the load request fails and nothing is tagged.
    const onAbort = () => {
      input.destroy();
      counter.destroy(cancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const response = (await unlessCancelled(docker.loadImage(input.pipe(counter).pipe(untagged), { quiet: true }), signal)) as unknown as NodeJS.ReadableStream;
      messages = await unlessCancelled(drainJsonMessages(response), signal);
    } catch (err) {
      throwIfCancelled(signal);
      throw new WorkbenchError('bundle_invalid', `Loading image archive ${archive} for service "${service.name}" failed: ${(refused ?? (err as Error)).message}`);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      input.destroy();
    }
    throwIfCancelled(signal);
    if (refused) throw new WorkbenchError('bundle_invalid', `Image archive ${archive} of service "${service.name}" refused: ${refused.message}`);
    if (!(await imageExists(docker, id))) {
      const loaded = messages.map((m) => String(m.stream ?? '').trim()).filter(Boolean).join('; ');
      throw new WorkbenchError(
        'bundle_invalid',
        `Image archive ${archive} of service "${service.name}" did not produce image ${id} (the engine reported: ${loaded || 'nothing'}); the archive does not match image.id`,
        { service: service.name, expected: id, loaded },
      );
    }
    const note = await tagIfFree(docker, id, ref);
    onProgress({ ...base, phase: 'loaded', bytesDone: total, bytesTotal: total, ...(note ? { note } : {}) });
    return;
  }
  // Pulling a tag moves it: when the machine has the tag for another image, say so instead.
  const existing = await docker.getImage(ref).inspect().then((i) => i.Id, () => undefined);
  if (existing) {
    throw new WorkbenchError(
      'unavailable',
      `Service "${service.name}" has no image archive in the bundle, and ${ref} already names another image (${existing.slice(0, 19)}…) on this machine; pulling it would move that tag. Load the image with id ${id} yourself (docker load), or add the archive to the bundle.`,
      { service: service.name, ref, id, existing },
    );
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
    // The tag was free before the pull: the name this pull created goes again.
    await docker.getImage(ref).remove({ noprune: false }).catch(() => {});
    throw new WorkbenchError('bundle_invalid', `Pulled ${ref} for service "${service.name}" but its id is ${got}, not the captured ${id}; the tag moved since the incident`, {
      service: service.name,
      expected: id,
      actual: got,
    });
  }
  onProgress({ ...base, phase: 'pulled' });
}
