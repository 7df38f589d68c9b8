import type { tracesMethods } from '../../../shared/api/methods/traces';
import { listTraceFiles, readTraceChunk } from '../../services/traces/source';
import type { HandlerMap } from './types';

export const tracesHandlers: HandlerMap<keyof typeof tracesMethods> = {
  'traces.files': async ({ source }, { wb }) => ({ files: await listTraceFiles(wb, source) }),
  'traces.read': async ({ source, name, offset, maxBytes }, { wb }) => readTraceChunk(wb, source, name, offset, maxBytes),
};
