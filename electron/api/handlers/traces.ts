import type { tracesMethods } from '../../../shared/api/methods/traces';
import { throwIfCancelled } from '../../services/abort';
import { listTraceFiles, readTraceChunk } from '../../services/traces/source';
import type { HandlerMap } from './types';

export const tracesHandlers: HandlerMap<keyof typeof tracesMethods> = {
  'traces.files': async ({ source }, { wb }) => ({ files: await listTraceFiles(wb, source) }),
  'traces.load': async ({ source, chunkBytes }, { wb, signal, progress, detail, drained }) => {
    const files = await listTraceFiles(wb, source);
    const total = files.reduce((n, f) => n + f.bytes, 0);
    let read = 0;
    progress({ label: 'Reading traces', done: 0, total, unit: 'bytes' });
    for (const f of files) {
      let offset = 0;
      for (;;) {
        throwIfCancelled(signal, 'loading traces cancelled');
        const chunk = await readTraceChunk(wb, source, f.name, offset, chunkBytes);
        detail({ file: f.name, offset, ...chunk });
        read += chunk.nextOffset - offset;
        offset = chunk.nextOffset;
        progress({ label: `Reading ${f.name}`, done: read, total, unit: 'bytes' });
        // Paced by the connection: never more than its transport buffers ahead of the reader.
        await drained();
        if (chunk.eof) break;
      }
    }
    return { files, bytes: read };
  },
  'traces.read': async ({ source, name, offset, maxBytes }, { wb }) => readTraceChunk(wb, source, name, offset, maxBytes),
};
