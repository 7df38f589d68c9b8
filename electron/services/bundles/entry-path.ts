// Kept apart from unpack.ts so the image-id reader's fast path loads no tar parser.

/** Tar entry names as archivers write them ("./a", "dir/") -> our canonical form ("a", "dir"). */
export function canonicalEntryPath(raw: string): string {
  let p = raw;
  while (p.startsWith('./')) p = p.slice(2);
  if (p === '.') p = '';
  while (p.endsWith('/')) p = p.slice(0, -1);
  return p;
}
