/**
 * The one general set of masks: what in a log message is obviously a value, whatever system
 * wrote it. Each becomes `<*>` before lines are grouped into templates (shared/logs/miner.ts),
 * so "took 12 ms" and "took 9 ms" are the same line to the miner.
 *
 * Unlike Drain's benchmark (a regex list tuned for each Loghub system) these are the same for
 * every input; values they miss (user names, host names, words) are found by the miner from how
 * often each word occurs at its position. Measured on the Loghub-2k samples: bench/loghub.bench.ts.
 */
export const WILDCARD = '<*>';

// Shapes that need a regex, each tried only when a cheap test says the message may hold one.
// scheme://anything (http://, hdfs://, spark://, akka.tcp://)
const URL = /[A-Za-z][\w+.-]*:\/\/[^\s"'<>()[\]{},;]*/g;
// /a/b paths with at least two segments (a lone /name is often a constant route)
const PATH = /(?<![^\s=:([,'"])(?:\/[^\s/,;'"()[\]]+){2,}\/?/g;
const EMAIL = /(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
// "Fri Jul 29 17:41:44 PDT 2005", "Dec 10 06:55:46", "Sun, 06 Nov 1994 08:49:37 GMT"
const MONTH_DAY = /(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* +\d/;
const DATE =
  /(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? +)?(?:\d{1,2} +)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* +\d{1,4}(?: +\d\d:\d\d(?::\d\d(?:\.\d+)?)?)?(?: +[A-Z]{2,5})?(?: +\d{4})?(?![\w:])/g;
// "quoted strings" (single quotes are left alone: they quote names as often as values)
const QUOTED = /"(?:[^"\\\n]|\\.)*"/g;
// sizes with their unit, which varies with the value: "12 KB", "4.5MB", "300 B"
const SIZE = /(?<![\w.])\d+(?:\.\d+)?\s?(?:[KMGTPE]i?B|B)(?!\w)/g;

/** What the masks are, in the order they apply (documented in docs/logs.md). */
export const MASK_NAMES = ['url', 'path', 'email', 'date', 'quoted', 'size', 'word-with-digit'] as const;

// 10.0.0.1:8080, 2024-01-02, 12:30:45.123 -> one value, not <*>.<*>.<*>
const JOINED = /<\*>(?:[.:\-,]<\*>)+/g;
const SPACES = /\s+/g;
const ODD_SPACE = /[\t\n\r\f\v]| {2}|^ | $/;
// A list of values ("blk_1 blk_2 blk_3") is one value: a run of the same masked word.
const REPEATED = /(^| )([^ ]+<\*>[^ ]*|<\*>[^ ]+)(?: \2)+(?= |$)/g;

/** Messages are grouped on their first line and at most this many characters. */
export const MAX_MESSAGE_CHARS = 1000;

/**
 * A message with its values masked and its whitespace normalised: the key of its exact pattern.
 * A multi-line message (a stack trace) is grouped on its first line.
 */
export function maskMessage(msg: string): string {
  let s = msg;
  const nl = s.indexOf('\n');
  if (nl >= 0) s = s.slice(0, nl);
  if (s.length > MAX_MESSAGE_CHARS) {
    // cut at a word boundary so the cut never leaves half a word (a different word each time)
    s = s.slice(0, MAX_MESSAGE_CHARS);
    const sp = s.lastIndexOf(' ');
    if (sp > 0) s = s.slice(0, sp);
  }
  const before = s;
  if (s.includes('://')) s = s.replace(URL, WILDCARD);
  if (s.includes('/')) s = s.replace(PATH, WILDCARD);
  if (s.includes('@')) s = s.replace(EMAIL, WILDCARD);
  if (MONTH_DAY.test(s)) s = s.replace(DATE, WILDCARD);
  if (s.includes('"')) s = s.replace(QUOTED, WILDCARD);
  if (s.includes('B')) s = s.replace(SIZE, WILDCARD);
  s = maskWordsWithDigits(s);
  if (s !== before && s.includes('<*>')) {
    if (s.includes('>.<') || s.includes('>:<') || s.includes('>-<') || s.includes('>,<')) s = s.replace(JOINED, WILDCARD);
  }
  if (ODD_SPACE.test(s)) s = s.replace(SPACES, ' ').trim();
  const w = s.indexOf('<*>');
  if (w >= 0 && s.indexOf('<*>', w + 3) >= 0) s = s.replace(REPEATED, '$1$2');
  return s;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * Any word (a run of ASCII letters and digits) with a digit in it becomes <*>: numbers, hex,
 * ids, IPs, versions, uuids; with the "-" of a negative number. One pass, no regex: this runs
 * on every line.
 */
function maskWordsWithDigits(s: string): string {
  let out = '';
  let from = 0;
  const n = s.length;
  let i = 0;
  while (i < n) {
    let c = s.charCodeAt(i);
    if (!isAlnum(c)) {
      i++;
      continue;
    }
    const start = i;
    let digit = false;
    while (i < n && isAlnum((c = s.charCodeAt(i)))) {
      if (isDigit(c)) digit = true;
      i++;
    }
    if (!digit) continue;
    let cut = start;
    if (start > 0 && s.charCodeAt(start - 1) === 45 && (start === 1 || !isAlnum(s.charCodeAt(start - 2)))) cut = start - 1;
    const between = s.slice(from, cut);
    // "10.0.0.1", "12:30:45": values joined by one separator are one value
    if (between.length === 1 && out.endsWith(WILDCARD) && (between === '.' || between === ':' || between === '-' || between === ',')) {
      from = i;
      continue;
    }
    out += between + WILDCARD;
    from = i;
  }
  return from === 0 ? s : out + s.slice(from);
}
