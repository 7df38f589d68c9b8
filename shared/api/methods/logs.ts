import { z } from '../../zod';
import type { LogComparison } from '../../logs/compare';
import type { BadLine } from '../../logs/record';
import type { Histogram, LogRow, TemplateRow } from '../../logs/store';
import { method, operation } from '../define';

/**
 * Logs stay in the backend: a source is read there once (streamed, columns of typed arrays)
 * and the renderer asks for what it shows: a window of rows, the histogram, the template
 * table, one line's detail. A million lines never cross the API; the first screen comes as
 * soon as the first chunk is read (`logs.open` answers at once and loading goes on).
 */
export const logSourceSchema = z.discriminatedUnion('kind', [
  /** The logs/ folder of an open bundle. */
  z.object({ kind: z.literal('bundle'), handle: z.string().min(1).max(200) }).strict(),
  /** A session's container output and what its OTLP receiver took. */
  z.object({ kind: z.literal('session'), name: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'a session name') }).strict(),
]);
export type LogSourceRef = z.infer<typeof logSourceSchema>;

const hexId = z.string().regex(/^[0-9a-fA-F]{16,32}$/, 'a hex trace or span id');

export const logFilterSchema = z
  .object({
    services: z.array(z.string().max(200)).max(200).optional(),
    levels: z.array(z.enum(['unknown', 'trace', 'debug', 'info', 'warn', 'error', 'fatal'])).max(7).optional(),
    text: z.string().max(1000).optional(),
    regex: z.boolean().optional(),
    from: z.number().finite().optional(),
    to: z.number().finite().optional(),
    template: z.number().int().positive().optional(),
    traceId: hexId.optional(),
    spanId: hexId.optional(),
  })
  .strict();

export interface LogsStatus {
  id: string;
  label: string;
  /** Still reading: counts grow, rows arrive; the template table settles at the end. */
  loading: boolean;
  lines: number;
  badLines: number;
  /** The first bad lines, with their file and line number. */
  bad: BadLine[];
  bytesRead: number;
  totalBytes: number;
  files: string[];
  services: string[];
  levels: Record<string, number>;
  timeRange: { from: number; to: number } | null;
  error?: string;
}

export interface LogQueryResult {
  /** Lines that pass the filter (so far, while loading). */
  total: number;
  offset: number;
  rows: LogRow[];
  status: LogsStatus;
}

export interface LogLineDetail {
  row: LogRow;
  file: string;
  line: number;
  /** The line as written (pretty JSON when it is JSON), up to 64 KiB. */
  raw: string;
  fields: Array<{ key: string; value: string }>;
  template: string;
}

export interface LogMoments {
  firstError: number | null;
  peak: { from: number; to: number; count: number } | null;
  lines: number;
}

export const MAX_LOG_ROWS = 500;

export const logsMethods = {
  /** An operation: its live data is the status as reading goes on (rows can be asked for at once); its result the final status. */
  'logs.open': operation(z.object({ source: logSourceSchema, reload: z.boolean().optional() }).strict()).returns<LogsStatus, LogsStatus>(),
  'logs.status': method(z.object({ id: z.string().min(1).max(300) }).strict()).returns<LogsStatus>(),
  'logs.query': method(
    z.object({ id: z.string().min(1).max(300), filter: logFilterSchema, offset: z.number().int().min(0), limit: z.number().int().min(1).max(MAX_LOG_ROWS) }).strict(),
  ).returns<LogQueryResult>(),
  'logs.histogram': method(z.object({ id: z.string().min(1).max(300), filter: logFilterSchema, bins: z.number().int().min(10).max(400) }).strict()).returns<Histogram>(),
  'logs.templates': method(z.object({ id: z.string().min(1).max(300), filter: logFilterSchema, limit: z.number().int().min(1).max(2000).default(500) }).strict()).returns<{ templates: TemplateRow[]; total: number }>(),
  'logs.line': method(z.object({ id: z.string().min(1).max(300), index: z.number().int().min(0) }).strict()).returns<LogLineDetail>(),
  'logs.close': method(z.object({ id: z.string().min(1).max(300) }).strict()).returns<{ closed: boolean }>(),
  /** First error and error peak of an open bundle's logs (the incident timeline). */
  'logs.moments': method(z.object({ handle: z.string().min(1).max(200) }).strict()).returns<LogMoments>(),
  /** An open bundle's logs against a running session's; recorded in the session's record. */
  'logs.compare': operation(z.object({ handle: z.string().min(1).max(200), session: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'a session name') }).strict()).returns<
    LogComparison & { recordEvent?: number }
  >(),
};
