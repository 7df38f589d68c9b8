/**
 * The one JSONPath subset the workbench reads, for two uses:
 *  - noise paths (replay): fields a comparison ignores. `..name` and `..*` (at any depth) are
 *    allowed; `$` alone is refused by NoiseMatcher (it would hide everything);
 *  - `expect json $.path` (runbooks): `[-1]` counts from the end of an array.
 * Syntax: `$`, `.name`, `['n']`, `["n"]`, `[N]`, `[*]`, `.*`. A noise path ignores the value it
 * matches and everything inside it.
 */
export type JsonPathSegment =
  | { kind: 'key'; key: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'descendant'; key: string | null /* null = any */ };
export type NoiseSegment = JsonPathSegment;

/** One step of a concrete location in a JSON document. */
export type Location = (string | number)[];

export class JsonPathError extends Error {
  override name = 'JsonPathError';
}

const NAME_RE = /^[A-Za-z_$][A-Za-z0-9_$-]*/;

export interface JsonPathSyntax {
  /** What the messages call it ("noise path", "JSON path"). */
  label: string;
  /** `..name` / `..*` */
  descendants?: boolean;
  /** `[-N]` */
  negativeIndexes?: boolean;
}

export function parseJsonPath(path: string, syntax: JsonPathSyntax): JsonPathSegment[] {
  const fail = (why: string): never => {
    throw new JsonPathError(`${syntax.label} "${path}": ${why}`);
  };
  if (!path.startsWith('$')) fail('must start with "$"');
  const segs: JsonPathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    if (path.startsWith('..', i)) {
      if (!syntax.descendants) fail(`".." (any depth) is not supported here, at ${i}`);
      i += 2;
      if (path[i] === '*') {
        segs.push({ kind: 'descendant', key: null });
        i++;
        continue;
      }
      const m = NAME_RE.exec(path.slice(i));
      if (!m) fail(`expected a name after ".." at ${i}`);
      segs.push({ kind: 'descendant', key: m![0] });
      i += m![0].length;
    } else if (path[i] === '.') {
      i++;
      if (path[i] === '*') {
        segs.push({ kind: 'wildcard' });
        i++;
        continue;
      }
      const m = NAME_RE.exec(path.slice(i));
      if (!m) fail(`expected a name after "." at ${i}`);
      segs.push({ kind: 'key', key: m![0] });
      i += m![0].length;
    } else if (path[i] === '[') {
      const close = findClose(path, i);
      if (close < 0) fail(`"[" at ${i} is not closed`);
      const inner = path.slice(i + 1, close).trim();
      if (inner === '*') segs.push({ kind: 'wildcard' });
      else if (/^\d+$/.test(inner)) segs.push({ kind: 'index', index: Number(inner) });
      else if (/^-\d+$/.test(inner)) {
        if (!syntax.negativeIndexes) fail(`negative index [${inner}] is not supported here`);
        segs.push({ kind: 'index', index: Number(inner) });
      } else if (/^'(?:[^'\\]|\\.)*'$/s.test(inner)) segs.push({ kind: 'key', key: inner.slice(1, -1).replace(/\\(.)/g, '$1') });
      else if (/^"(?:[^"\\]|\\.)*"$/s.test(inner)) segs.push({ kind: 'key', key: JSON.parse(inner) as string });
      else fail(`unsupported selector [${inner}]`);
      i = close + 1;
    } else {
      fail(`unexpected "${path[i]}" at ${i}`);
    }
  }
  return segs;
}

export function parseNoisePath(path: string): NoiseSegment[] {
  return parseJsonPath(path, { label: 'noise path', descendants: true });
}

function findClose(path: string, open: number): number {
  let quote: string | null = null;
  for (let i = open + 1; i < path.length; i++) {
    const c = path[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === ']') return i;
  }
  return -1;
}

/**
 * True when `loc` (its first `len` steps: walkers keep one mutable stack) is matched by the
 * pattern exactly (not merely inside a match).
 */
export function matchesExactly(segs: NoiseSegment[], loc: Location, si = 0, li = 0, len = loc.length): boolean {
  if (si === segs.length) return li === len;
  if (li > len) return false;
  const s = segs[si]!;
  if (s.kind === 'descendant') {
    // ..key: the key may sit at any depth at or below the current one.
    for (let k = li; k < len; k++) {
      if ((s.key === null || loc[k] === s.key) && matchesExactly(segs, loc, si + 1, k + 1, len)) return true;
    }
    return false;
  }
  if (li === len) return false;
  const step = loc[li]!;
  const ok = s.kind === 'wildcard' || (s.kind === 'key' && step === s.key) || (s.kind === 'index' && step === s.index);
  return ok && matchesExactly(segs, loc, si + 1, li + 1, len);
}

/** Compiled noise rules. `covers(loc)` is true when loc or one of its ancestors is noise. */
export class NoiseMatcher {
  readonly paths: string[];
  private readonly compiled: NoiseSegment[][];
  /** Per pattern, the only depth it can match (no `..` in it), or -1 (any depth). */
  private readonly depths: number[];
  constructor(paths: readonly string[]) {
    this.paths = [...paths];
    this.compiled = paths.map((p) => {
      const segs = parseNoisePath(p);
      if (segs.length === 0) throw new JsonPathError(`noise path "${p}": "$" alone would ignore the whole body`);
      return segs;
    });
    this.depths = this.compiled.map((segs) => (segs.some((s) => s.kind === 'descendant') ? -1 : segs.length));
    // Most noise paths end in a member name (`$.servedAt`, `$.items[*].id`): then only a step
    // with one of those names can be noise, which rules out almost every node at once.
    const lastKeys = new Set<string>();
    let byKeyOnly = true;
    for (const segs of this.compiled) {
      const last = segs[segs.length - 1]!;
      if (last.kind === 'key') lastKeys.add(last.key);
      else if (last.kind === 'descendant' && last.key !== null) lastKeys.add(last.key);
      else byKeyOnly = false;
    }
    this.lastKeys = byKeyOnly ? lastKeys : undefined;
  }
  private readonly lastKeys: Set<string> | undefined;
  /**
   * Is the value at `loc` (its first `len` steps) itself ignored? Callers stop descending once
   * it is. Called at every node of every compared body, so the depth check comes first.
   */
  covers(loc: Location, len = loc.length): boolean {
    if (this.lastKeys) {
      const step = loc[len - 1];
      if (typeof step !== 'string' || !this.lastKeys.has(step)) return false;
    }
    for (let i = 0; i < this.compiled.length; i++) {
      const depth = this.depths[i]!;
      if ((depth === -1 || depth === len) && matchesExactly(this.compiled[i]!, loc, 0, 0, len)) return true;
    }
    return false;
  }
}

export function formatLocation(loc: Location): string {
  let s = '$';
  for (const step of loc) {
    if (typeof step === 'number') s += `[${step}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(step)) s += `.${step}`;
    else s += `[${JSON.stringify(step)}]`;
  }
  return s;
}

/** Every location the pattern matches in `doc` (used to check a suggestion before offering it). */
export function selectAll(segs: NoiseSegment[], doc: unknown): { loc: Location; value: unknown }[] {
  const out: { loc: Location; value: unknown }[] = [];
  const walk = (value: unknown, loc: Location) => {
    if (matchesExactly(segs, loc)) out.push({ loc, value });
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...loc, i]));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...loc, k]);
  };
  walk(doc, []);
  return out;
}
