/**
 * Log template mining: lines that a program wrote with the same format string end up in one
 * template ("Failed password for <*> from <*> port <*> ssh2"), deterministically, in two stages:
 *
 * 1. Online, per line (O(message length)): obvious values are masked (shared/logs/masks.ts) and
 *    the masked message is the key of an exact *pattern*. Lines never stay in memory: only each
 *    distinct pattern does, with its line count.
 * 2. On demand, over the distinct patterns (cheap: thousands, not millions): values the masks
 *    missed (user and host names, words) are found from how often each word occurs at its
 *    position, in the spirit of Brain (Yu et al., "Brain: Log Parsing with Bidirectional
 *    Parallel Tree", IEEE TSC 2023): among patterns with the same number of words, each pattern's
 *    words that share its most common frequency are its constant core, patterns with the same
 *    core form a group, and in a group a position is a variable when it holds many different
 *    words, or several masked ones. Patterns whose variables are masked alike merge.
 *
 * The two numbers below are the only knobs, the same for every input. Their grouping accuracy
 * on the labelled Loghub-2k samples is measured by bench/loghub.bench.ts (docs/logs.md).
 */
import { maskMessage, WILDCARD } from './masks';

/** A position holding at least this many different words within a group is a variable. */
export const VARIABLE_MIN_DISTINCT = 6;
/** ... or at least this many different words with a masked part ("rdd_<*>", "broadcast_<*>"). */
export const VARIABLE_MIN_MASKED = 2;

export interface Template {
  /** 1-based, in order of first appearance: the same input always gives the same ids. */
  id: number;
  /** Words joined by single spaces; variables shown as <*> (with what all their values share: "user=<*>"). */
  text: string;
  /** Number of lines. */
  count: number;
  /** Pattern ids merged into this template, ascending. */
  patterns: number[];
}

export interface TemplateModel {
  templates: Template[];
  /** Pattern id -> index in `templates`. */
  templateOfPattern: Int32Array;
  /** Index in `templates` of a message mined or not, -1 when it fits none. */
  match(msg: string): number;
}

export class TemplateMiner {
  private readonly ids = new Map<string, number>();
  /** Masked message of each pattern, by pattern id. */
  readonly keys: string[] = [];
  /** Lines of each pattern, by pattern id. */
  readonly counts: number[] = [];
  private readonly tokens: string[][] = [];
  lines = 0;

  /** Adds one message; returns its pattern id (0-based, in order of first appearance). */
  add(msg: string): number {
    const key = maskMessage(msg);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.ids.set(key, id);
      this.keys.push(key);
      this.counts.push(0);
    }
    this.counts[id]!++;
    this.lines++;
    return id;
  }

  /** The pattern a message would have, without adding it (-1 if it has not been seen). */
  patternOf(msg: string): number {
    return this.ids.get(maskMessage(msg)) ?? -1;
  }

  get patternCount(): number {
    return this.keys.length;
  }

  private tokensOf(p: number): string[] {
    let t = this.tokens[p];
    if (!t) {
      t = this.keys[p] === '' ? [] : this.keys[p]!.split(' ');
      this.tokens[p] = t;
    }
    return t;
  }

  /** Groups the patterns seen so far into templates (may be called again after more lines). */
  mine(): TemplateModel {
    const n = this.keys.length;
    const byLength = new Map<number, number[]>();
    for (let p = 0; p < n; p++) {
      const len = this.tokensOf(p).length;
      let b = byLength.get(len);
      if (!b) byLength.set(len, (b = []));
      b.push(p);
    }
    // template key (words, variables as <*>) -> member patterns
    const members = new Map<string, { patterns: number[]; variable: boolean[] }>();
    for (const [len, patterns] of byLength) {
      for (const group of coreGroups(patterns, len, (p) => this.tokensOf(p), this.counts)) {
        const variable = variablePositions(group, len, (p) => this.tokensOf(p));
        for (const p of group) {
          const words = this.tokensOf(p);
          const key = words.map((w, i) => (variable[i] ? WILDCARD : w)).join(' ');
          let m = members.get(key);
          if (!m) members.set(key, (m = { patterns: [], variable: variable.slice() }));
          else for (let i = 0; i < len; i++) m.variable[i] = m.variable[i]! || variable[i]!;
          m.patterns.push(p);
        }
      }
    }
    const list = [...members.values()];
    for (const m of list) m.patterns.sort((a, b) => a - b);
    list.sort((a, b) => a.patterns[0]! - b.patterns[0]!);
    const templateOfPattern = new Int32Array(n).fill(-1);
    const templates: Template[] = list.map((m, i) => {
      let count = 0;
      for (const p of m.patterns) {
        templateOfPattern[p] = i;
        count += this.counts[p]!;
      }
      return { id: i + 1, text: displayText(m.patterns.map((p) => this.tokensOf(p)), m.variable), count, patterns: m.patterns };
    });
    return makeModel(templates, list.map((m) => ({ words: this.tokensOf(m.patterns[0]!), variable: m.variable })), templateOfPattern, this.ids);
  }
}

/**
 * Splits same-length patterns into groups sharing a constant core: for each pattern, the words
 * (not masked) whose frequency at their position is the pattern's most common frequency (ties:
 * the leftmost, where a message's fixed words usually are).
 */
function coreGroups(patterns: number[], len: number, words: (p: number) => string[], counts: readonly number[]): number[][] {
  if (len === 0) return [patterns];
  const freq: Array<Map<string, number>> = Array.from({ length: len }, () => new Map());
  for (const p of patterns) {
    const w = words(p);
    for (let i = 0; i < len; i++) freq[i]!.set(w[i]!, (freq[i]!.get(w[i]!) ?? 0) + counts[p]!);
  }
  const groups = new Map<string, number[]>();
  const f = new Array<number>(len);
  for (const p of patterns) {
    const w = words(p);
    const seen = new Map<number, number>();
    for (let i = 0; i < len; i++) {
      f[i] = freq[i]!.get(w[i]!)!;
      if (w[i] !== WILDCARD) seen.set(f[i]!, (seen.get(f[i]!) ?? 0) + 1);
    }
    let core = -1;
    let best = 0;
    for (const [value, times] of seen) {
      if (times > best) {
        best = times;
        core = value;
      }
    }
    let sig = `${core}`;
    for (let i = 0; i < len; i++) sig += '\u0001' + (f[i] === core && w[i] !== WILDCARD ? w[i] : '\u0000');
    let g = groups.get(sig);
    if (!g) groups.set(sig, (g = []));
    g.push(p);
  }
  return [...groups.values()];
}

/** Which positions of a group are variables: many different words, or several masked ones, or a masked word all others fit. */
function variablePositions(group: number[], len: number, words: (p: number) => string[]): boolean[] {
  const variable = new Array<boolean>(len).fill(false);
  if (group.length < 2) return variable;
  for (let i = 0; i < len; i++) {
    const values = new Set<string>();
    for (const p of group) {
      values.add(words(p)[i]!);
      if (values.size >= VARIABLE_MIN_DISTINCT) break;
    }
    if (values.size < 2) continue;
    if (values.size >= VARIABLE_MIN_DISTINCT) {
      variable[i] = true;
      continue;
    }
    const masked = [...values].filter((v) => v.includes(WILDCARD));
    variable[i] = masked.length >= VARIABLE_MIN_MASKED || masked.some((m) => m !== WILDCARD && [...values].every((v) => fits(m, v)));
  }
  return variable;
}

/** Does `value` fit the masked word `pattern` ("rhost=<*>" fits "rhost=<*>.example.com")? */
function fits(pattern: string, value: string): boolean {
  const parts = pattern.split(WILDCARD);
  if (!value.startsWith(parts[0]!) || !value.endsWith(parts[parts.length - 1]!)) return false;
  let at = parts[0]!.length;
  const end = value.length - parts[parts.length - 1]!.length;
  for (let k = 1; k < parts.length - 1; k++) {
    const found = value.indexOf(parts[k]!, at);
    if (found < 0 || found + parts[k]!.length > end) return false;
    at = found + parts[k]!.length;
  }
  return at <= end;
}

/** A variable is shown with what all its values share up to a separator: "user=<*>", "blk_<*>". */
function displayText(words: string[][], variable: boolean[]): string {
  const out: string[] = [];
  for (let i = 0; i < variable.length; i++) {
    if (!variable[i]) {
      out.push(words[0]![i]!);
      continue;
    }
    let prefix = words[0]![i]!;
    let suffix = prefix;
    for (const w of words) {
      const v = w[i]!;
      let k = 0;
      while (k < prefix.length && k < v.length && prefix[k] === v[k]) k++;
      prefix = prefix.slice(0, k);
      let j = 0;
      while (j < suffix.length && j < v.length && suffix[suffix.length - 1 - j] === v[v.length - 1 - j]) j++;
      suffix = suffix.slice(suffix.length - j);
    }
    prefix = prefix.slice(0, lastSeparator(prefix) + 1);
    const s = firstSeparator(suffix);
    suffix = s < 0 ? '' : suffix.slice(s);
    if (prefix.includes('<') || suffix.includes('>') || prefix.length + suffix.length >= Math.min(...words.map((w) => w[i]!.length))) {
      prefix = '';
      suffix = '';
    }
    out.push(prefix + WILDCARD + suffix);
  }
  return out.join(' ');
}

const isWordChar = (c: string) => /[A-Za-z0-9]/.test(c);
function lastSeparator(s: string): number {
  for (let k = s.length - 1; k >= 0; k--) if (!isWordChar(s[k]!)) return k;
  return -1;
}
function firstSeparator(s: string): number {
  for (let k = 0; k < s.length; k++) if (!isWordChar(s[k]!)) return k;
  return -1;
}

function makeModel(templates: Template[], shapes: Array<{ words: string[]; variable: boolean[] }>, templateOfPattern: Int32Array, ids: Map<string, number>): TemplateModel {
  const byLength = new Map<number, number[]>();
  shapes.forEach((s, t) => {
    let l = byLength.get(s.words.length);
    if (!l) byLength.set(s.words.length, (l = []));
    l.push(t);
  });
  return {
    templates,
    templateOfPattern,
    match(msg: string): number {
      const key = maskMessage(msg);
      const p = ids.get(key);
      if (p !== undefined && p < templateOfPattern.length) return templateOfPattern[p]!;
      const words = key === '' ? [] : key.split(' ');
      for (const t of byLength.get(words.length) ?? []) {
        const s = shapes[t]!;
        let ok = true;
        for (let i = 0; i < words.length && ok; i++) ok = s.variable[i]! || s.words[i] === words[i];
        if (ok) return t;
      }
      return -1;
    },
  };
}
