/** Test helpers: load trace fixtures, build hand-made traces. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importTraceDocuments, importTraceTexts, type ImportResult } from '../../../shared/traces/detect';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/traces/', import.meta.url));

export function fixtureText(rel: string): string {
  return readFileSync(FIXTURES + rel, 'utf8');
}

export function loadFixture(rel: string): ImportResult {
  return importTraceTexts([{ name: rel, text: fixtureText(rel) }]);
}

/** One span of a hand-made tree; times in microseconds from an arbitrary epoch. */
export interface HandSpan {
  id: string;
  parent?: string;
  service?: string;
  name?: string;
  start: number;
  end: number;
  error?: boolean;
  /** Makes the parent link a FOLLOWS_FROM reference (written as Jaeger JSON). */
  followsFrom?: boolean;
}

const BASE_US = 1_700_000_000_000_000;

function hex16(id: string): string {
  return Buffer.from(id).toString('hex').padStart(16, '0').slice(-16);
}

/**
 * Build a trace from a compact list of spans by writing it as Jaeger API JSON and importing it,
 * so hand-made trees go through the same code as real files.
 */
export function handTrace(spans: HandSpan[], traceId = 'aa'): ImportResult {
  const doc = {
    data: [
      {
        traceID: traceId.padStart(32, '0'),
        processes: Object.fromEntries(
          [...new Set(spans.map((s) => s.service ?? 'svc'))].map((s) => [s, { serviceName: s, tags: [] }]),
        ),
        spans: spans.map((s) => ({
          traceID: traceId.padStart(32, '0'),
          spanID: hex16(s.id),
          operationName: s.name ?? s.id,
          references: s.parent
            ? [{ refType: s.followsFrom ? 'FOLLOWS_FROM' : 'CHILD_OF', traceID: traceId.padStart(32, '0'), spanID: hex16(s.parent) }]
            : [],
          startTime: BASE_US + s.start,
          duration: s.end - s.start,
          tags: s.error ? [{ key: 'error', type: 'bool', value: true }] : [],
          logs: [],
          processID: s.service ?? 'svc',
        })),
      },
    ],
  };
  return importTraceDocuments([{ name: 'hand-made', doc }]);
}

/** The span index of a hand-made span by its short id. */
export function idx(r: ImportResult, id: string, trace = 0): number {
  const i = r.set.traces[trace]!.spanId.indexOf(hex16(id));
  if (i < 0) throw new Error(`no span ${id}`);
  return i;
}
