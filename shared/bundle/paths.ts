/**
 * Path rules for paths that appear inside a bundle (manifest fields, archive entries).
 * A bundle may be hostile, so a path is accepted only in one canonical form: relative,
 * '/'-separated, no empty/'.'/'..' segments, no backslashes or control characters.
 * Having one form means "is it listed?" is a plain string comparison and nothing can escape
 * the bundle folder by spelling a path differently.
 */

/** Same rule as isBundlePath, as a regex so the JSON Schema can carry it as `pattern`. */
export const BUNDLE_PATH_PATTERN =
   
  '^(?![A-Za-z]:)(?![.]{1,2}(?:/|$))(?!.*/[.]{1,2}(?:/|$))[^/\\\\\\u0000-\\u001f\\u007f]+(?:/[^/\\\\\\u0000-\\u001f\\u007f]+)*$';

export const BUNDLE_PATH_REGEX = new RegExp(BUNDLE_PATH_PATTERN);

export const BUNDLE_PATH_RULE =
  "a relative, normalised path inside the bundle ('/' separators; no leading '/', no '.', '..' or empty segments, no '\\', no control characters)";

const MAX_PATH_LENGTH = 4096;

export function isBundlePath(p: string): boolean {
  return p.length > 0 && p.length <= MAX_PATH_LENGTH && BUNDLE_PATH_REGEX.test(p);
}

/** Why a path is not acceptable, or undefined when it is. */
export function explainUnsafePath(p: string): string | undefined {
  if (p.length === 0) return 'path is empty';
  if (p.length > MAX_PATH_LENGTH) return `path is longer than ${MAX_PATH_LENGTH} characters`;
  if (p.startsWith('/')) return 'path is absolute';
  if (/^[A-Za-z]:/.test(p)) return 'path starts with a drive letter';
  if (p.includes('\\')) return "path contains '\\'";
   
  if (/[\u0000-\u001f\u007f]/.test(p)) return 'path contains a control character';
  const segments = p.split('/');
  if (segments.includes('..')) return "path contains a '..' segment";
  if (segments.includes('.')) return "path contains a '.' segment";
  if (segments.includes('')) return 'path contains an empty segment (or a trailing /)';
  return undefined;
}

/** Files the manifest does not list: the manifest itself and the signatures over it. */
export function isExemptFromListing(p: string): boolean {
  return p === 'bundle.json' || p.startsWith('attestations/');
}
