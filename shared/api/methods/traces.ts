import { z } from '../../zod';
import { method, operation } from '../define';

/**
 * Trace files reach the renderer as text, in chunks, and are parsed there in a Web Worker
 * (shared/traces): the backend never builds a span model it would have to serialise, and a
 * 500k-span file streams with progress instead of arriving as one giant reply.
 */
export const traceSourceSchema = z.discriminatedUnion('kind', [
  /** The traces/ folder of an open bundle. */
  z.object({ kind: z.literal('bundle'), handle: z.string().min(1).max(200) }).strict(),
  /** What a running session's OTLP receiver has written (its otlp/ folder). */
  z.object({ kind: z.literal('session'), name: z.string().min(1).max(63) }).strict(),
]);
export type TraceSource = z.infer<typeof traceSourceSchema>;

export interface TraceFileInfo {
  /** File name inside the source folder. */
  name: string;
  bytes: number;
}

export interface TraceChunk {
  text: string;
  /** Byte offset to ask for next (never inside a UTF-8 character). */
  nextOffset: number;
  eof: boolean;
  totalBytes: number;
}

/** Live data of traces.load: one chunk of a file's text (files in order, chunks in order). */
export interface TraceLoadChunk {
  file: string;
  text: string;
  offset: number;
  nextOffset: number;
  eof: boolean;
  totalBytes: number;
}

export const MAX_TRACE_CHUNK_BYTES = 16 * 1024 * 1024;

export const tracesMethods = {
  'traces.files': method(z.object({ source: traceSourceSchema }).strict()).returns<{ files: TraceFileInfo[] }>(),
  /**
   * Load every trace file of a source (an operation): the chunks arrive as its live data, to the
   * caller only, at the pace the connection drains them; progress in bytes; cancellable.
   */
  'traces.load': operation(z.object({ source: traceSourceSchema, chunkBytes: z.number().int().min(1024).max(MAX_TRACE_CHUNK_BYTES).default(8 * 1024 * 1024) }).strict()).returns<
    { files: TraceFileInfo[]; bytes: number },
    TraceLoadChunk
  >(),
  'traces.read': method(
    z
      .object({
        source: traceSourceSchema,
        name: z.string().regex(/^[\w.-]+\.(json|jsonl)$/i, 'a file name from traces.files'),
        offset: z.number().int().min(0),
        maxBytes: z.number().int().min(1024).max(MAX_TRACE_CHUNK_BYTES).default(8 * 1024 * 1024),
      })
      .strict(),
  ).returns<TraceChunk>(),
};
