/**
 * The small JSONPath subset used by `expect json $.path == value`: `$`, `.name`, `['name']`,
 * `["name"]`, `[N]` (negative counts from the end) and `[*]` / `.*`. Returns every match, so the
 * caller decides what more than one match means.
 */
export type PathSegment = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

export function parseJsonPath(path: string): PathSegment[] {
  if (!path.startsWith('$')) throw new Error(`JSON path "${path}" must start with "$"`);
  const segments: PathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      i++;
      if (path[i] === '*') {
        segments.push({ kind: 'wildcard' });
        i++;
        continue;
      }
      const m = /^[A-Za-z_$][A-Za-z0-9_$-]*/.exec(path.slice(i));
      if (!m) throw new Error(`JSON path "${path}": expected a name after "." at ${i}`);
      segments.push({ kind: 'key', key: m[0] });
      i += m[0].length;
    } else if (c === '[') {
      const close = findBracketEnd(path, i);
      if (close === -1) throw new Error(`JSON path "${path}": "[" at ${i} is not closed`);
      const inner = path.slice(i + 1, close).trim();
      if (inner === '*') segments.push({ kind: 'wildcard' });
      else if (/^-?\d+$/.test(inner)) segments.push({ kind: 'index', index: Number(inner) });
      else if (/^'.*'$/s.test(inner)) segments.push({ kind: 'key', key: inner.slice(1, -1).replace(/\\'/g, "'") });
      else if (/^".*"$/s.test(inner)) segments.push({ kind: 'key', key: JSON.parse(inner) as string });
      else throw new Error(`JSON path "${path}": unsupported selector [${inner}]`);
      i = close + 1;
    } else {
      throw new Error(`JSON path "${path}": unexpected "${c}" at ${i}`);
    }
  }
  return segments;
}

function findBracketEnd(s: string, open: number): number {
  let quote: string | null = null;
  for (let j = open + 1; j < s.length; j++) {
    const ch = s[j];
    if (quote) {
      if (ch === '\\') j++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ']') return j;
  }
  return -1;
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
      } else if (Array.isArray(value)) next.push(...value);
      else if (value !== null && typeof value === 'object') next.push(...Object.values(value));
    }
    current = next;
  }
  return current;
}
