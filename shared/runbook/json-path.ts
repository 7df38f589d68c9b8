/**
 * `expect json $.path == value` reads paths with the workbench's one JSONPath parser
 * (shared/replay/jsonpath.ts), negative indexes allowed. Returns every match, so the caller
 * decides what more than one match means.
 */
import { parseJsonPath as parsePath, type JsonPathSegment } from '../replay/jsonpath';
import { appendAll } from '../array';

export type PathSegment = Exclude<JsonPathSegment, { kind: 'descendant' }>;

export function parseJsonPath(path: string): PathSegment[] {
  return parsePath(path, { label: 'JSON path', negativeIndexes: true }) as PathSegment[];
}

export function queryJsonPath(root: unknown, path: string | PathSegment[]): unknown[] {
  const segments = typeof path === 'string' ? parseJsonPath(path) : path;
  let current: unknown[] = [root];
  for (const seg of segments) {
    const next: unknown[] = [];
    for (const value of current) {
      if (seg.kind === 'key') {
        if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, seg.key)) {
          next.push((value as Record<string, unknown>)[seg.key]);
        }
      } else if (seg.kind === 'index') {
        if (Array.isArray(value)) {
          const idx = seg.index < 0 ? value.length + seg.index : seg.index;
          if (idx >= 0 && idx < value.length) next.push(value[idx]);
        }
      } else if (Array.isArray(value)) appendAll(next, value);
      else if (value !== null && typeof value === 'object') appendAll(next, Object.values(value));
    }
    current = next;
  }
  return current;
}
