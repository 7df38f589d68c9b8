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

const MASKS: Array<{ name: string; re: string }> = [
  // scheme://anything (http://, hdfs://, spark://, akka.tcp://)
  { name: 'url', re: String.raw`[A-Za-z][\w+.-]*:\/\/[^\s"'<>()\[\]{},;]*` },
  // /a/b paths with at least two segments (a lone /name is often a constant route)
  { name: 'path', re: String.raw`(?<![^\s=:(\[,'"])(?:\/[^\s/,;'"()\[\]]+){2,}\/?` },
  { name: 'email', re: String.raw`(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+` },
  // "Fri Jul 29 17:41:44 PDT 2005", "Dec 10 06:55:46", "Sun, 06 Nov 1994 08:49:37 GMT"
  {
    name: 'date',
    re: String.raw`(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? +)?(?:\d{1,2} +)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* +\d{1,4}(?: +\d\d:\d\d(?::\d\d(?:\.\d+)?)?)?(?: +[A-Z]{2,5})?(?: +\d{4})?(?![\w:])`,
  },
  // "quoted strings" (single quotes are left alone: they quote names as often as values)
  { name: 'quoted', re: String.raw`"(?:[^"\\\n]|\\.)*"` },
  // sizes with their unit, which varies with the value: "12 KB", "4.5MB", "300 B"
  { name: 'size', re: String.raw`(?<![\w.])\d+(?:\.\d+)?\s?(?:[KMGTPE]i?B|B)(?![\w])` },
  // any word with a digit in it: numbers, hex, ids, IPs, versions, uuids ("-" of a negative number included)
  { name: 'word-with-digit', re: String.raw`(?<![A-Za-z0-9])-?[A-Za-z]*\d[A-Za-z0-9]*` },
];

export const MASK_NAMES = MASKS.map((m) => m.name);

const ANY_MASK = new RegExp(MASKS.map((m) => m.re).join('|'), 'g');
// 10.0.0.1:8080, 2024-01-02, 12:30:45.123 -> one value, not <*>.<*>.<*>
const JOINED = /<\*>(?:[.:\-,]<\*>)+/g;
const SPACES = /\s+/g;
// a list of values ("blk_1 blk_2 blk_3") is one value: any run of the same masked token
const REPEATED = /(^| )([^ ]*<\*>[^ ]*)(?: \2)+(?= |$)/g;

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
  s = s.replace(ANY_MASK, WILDCARD);
  if (s.includes('<*>')) s = s.replace(JOINED, WILDCARD);
  s = s.replace(SPACES, ' ');
  if (s.charCodeAt(0) === 32) s = s.slice(1);
  if (s.charCodeAt(s.length - 1) === 32) s = s.slice(0, -1);
  if (s.includes('<*> ')) s = s.replace(REPEATED, '$1$2');
  return s;
}
