/**
 * Info strings of fenced blocks: `sh {service=pricing}`, `http`, `replay {mode=strict}`.
 * The braces hold `key=value` attributes separated by spaces or commas; a value may be quoted
 * with double quotes (JSON string rules) when it holds spaces.
 */
export interface InfoString {
  lang: string;
  attrs: Record<string, string>;
}

export type InfoStringResult = { ok: true; value: InfoString } | { ok: false; message: string };

const ATTR_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function parseInfoString(info: string): InfoStringResult {
  const trimmed = info.trim();
  const brace = trimmed.indexOf('{');
  const lang = (brace === -1 ? trimmed : trimmed.slice(0, brace)).trim();
  const attrs: Record<string, string> = {};
  if (brace === -1) {
    if (/\s/.test(lang)) return { ok: true, value: { lang: lang.split(/\s+/)[0] ?? '', attrs } };
    return { ok: true, value: { lang, attrs } };
  }
  if (!trimmed.endsWith('}')) return { ok: false, message: `attribute list in "${trimmed}" must end with "}"` };
  const inner = trimmed.slice(brace + 1, -1);
  let i = 0;
  while (i < inner.length) {
    while (i < inner.length && /[\s,]/.test(inner[i]!)) i++;
    if (i >= inner.length) break;
    const eq = inner.indexOf('=', i);
    if (eq === -1) return { ok: false, message: `attribute "${inner.slice(i).trim()}" needs a value (key=value)` };
    const key = inner.slice(i, eq).trim();
    if (!ATTR_KEY.test(key)) return { ok: false, message: `"${key}" is not a valid attribute name` };
    if (key in attrs) return { ok: false, message: `attribute "${key}" is given twice` };
    i = eq + 1;
    let value: string;
    if (inner[i] === '"') {
      const end = findClosingQuote(inner, i);
      if (end === -1) return { ok: false, message: `unterminated quoted value for "${key}"` };
      try {
        value = JSON.parse(inner.slice(i, end + 1)) as string;
      } catch {
        return { ok: false, message: `bad quoted value for "${key}"` };
      }
      i = end + 1;
    } else {
      const start = i;
      while (i < inner.length && !/[\s,]/.test(inner[i]!)) i++;
      value = inner.slice(start, i);
    }
    if (value === '') return { ok: false, message: `attribute "${key}" has an empty value` };
    attrs[key] = value;
  }
  return { ok: true, value: { lang, attrs } };
}

function findClosingQuote(s: string, open: number): number {
  for (let j = open + 1; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === '"') return j;
  }
  return -1;
}
