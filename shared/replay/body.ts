/**
 * Decoding HAR bodies (`response.content`, `request.postData`) to bytes.
 *
 * HAR 1.2 says `text` is the body, base64 when `encoding: "base64"`. Real writers depart from it;
 * Polly.JS in particular (see test/fixtures/har/ATTRIBUTION.md):
 *  - binary bodies as a JSON array of hex strings ("hex chunks"), flagged `_isBinary` — or not
 *    flagged at all when the body was compressed (`content-encoding: gzip`); Polly 6 writes
 *    `encoding: "base64"` and a JSON array of base64 chunks instead;
 *  - binary bodies as one plain hex string with no `encoding` field;
 *  - 204 responses with `size: 10` and no `text`.
 * The rules below only read hex where something says the body is binary, so a JSON body that
 * happens to be `["beef"]` stays text.
 */
import { concatBytes, fromBase64, fromHex, isHex, utf8 } from './bytes';

export type BodyForm = 'empty' | 'text' | 'base64' | 'hex' | 'hex-chunks';

export interface HarContentLike {
  text?: unknown;
  encoding?: unknown;
  mimeType?: unknown;
  _isBinary?: unknown;
}

export interface DecodedBody {
  bytes: Uint8Array;
  /** How the HAR held it; only a binary form can still be content-encoded (gzip etc.). */
  form: BodyForm;
  /**
   * When hex was read only because the message has a content-encoding: the text taken literally.
   * Browsers and proxies keep `Content-Encoding: gzip` but store the decoded body, which may look
   * like hex (`cafe`, `1234`); the caller keeps whichever of the two decodes.
   */
  asText?: Uint8Array;
}

export class BodyDecodeError extends Error {
  override name = 'BodyDecodeError';
}

const TEXTUAL_MIME = /^(text\/|application\/(json|ld\+json|problem\+json|[\w.+-]*\+json|xml|[\w.+-]*\+xml|javascript|ecmascript|x-www-form-urlencoded|graphql|yaml|x-yaml|x-ndjson))/i;

/** True for media types whose bodies are text (so a hex-looking body is taken literally). */
export function isTextualMime(mimeType: string | undefined | null): boolean {
  if (!mimeType) return true; // unknown: assume text unless something else says binary
  return TEXTUAL_MIME.test(mimeType.trim());
}

function parseBase64Chunks(text: string): Uint8Array | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((c): c is string => typeof c === 'string')) return undefined;
  return concatBytes(parsed.map(fromBase64));
}

function parseHexChunks(text: string): Uint8Array | undefined {
  const t = text.trim();
  if (!t.startsWith('[') || !t.endsWith(']')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(t);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length === 0) return undefined;
  if (!parsed.every((c): c is string => typeof c === 'string' && isHex(c))) return undefined;
  return concatBytes(parsed.map(fromHex));
}

/**
 * @param content the HAR `content` / `postData` object
 * @param hints.contentEncoding the message's content-encoding header, if any: a compressed body
 *        cannot be plain text, so it is a hint that hex means bytes.
 * @param where names the field in errors, e.g. "traffic/a.har: log.entries[2].response.content"
 */
export function decodeHarBody(content: HarContentLike | undefined | null, hints: { contentEncoding?: string | undefined }, where: string): DecodedBody {
  if (content == null || content.text == null || content.text === '') return { bytes: new Uint8Array(0), form: 'empty' };
  if (typeof content.text !== 'string') throw new BodyDecodeError(`${where}.text: expected a string, got ${typeof content.text}`);
  const text = content.text;
  const encoding = typeof content.encoding === 'string' ? content.encoding.toLowerCase() : undefined;
  if (encoding === 'base64') {
    try {
      // Polly.JS 6 keeps a compressed body as a JSON array of base64 chunks, one per chunk read.
      const chunks = text.startsWith('[') ? parseBase64Chunks(text) : undefined;
      return { bytes: chunks ?? fromBase64(text), form: 'base64' };
    } catch (e) {
      throw new BodyDecodeError(`${where}.text: encoding is base64 but the text is not (${(e as Error).message})`);
    }
  }
  if (encoding && encoding !== 'utf-8' && encoding !== 'utf8') {
    throw new BodyDecodeError(`${where}.encoding: unsupported encoding "${content.encoding as string}" (expected "base64" or none)`);
  }
  const mime = typeof content.mimeType === 'string' ? content.mimeType : undefined;
  const flaggedBinary = content._isBinary === true;
  const compressed = !!hints.contentEncoding && !/^\s*identity\s*$/i.test(hints.contentEncoding);
  const saysBinary = flaggedBinary || compressed || !isTextualMime(mime);
  if (saysBinary) {
    const onlyTheHeaderSaysBinary = !flaggedBinary && isTextualMime(mime);
    const chunks = parseHexChunks(text);
    const hex = chunks ? { bytes: chunks, form: 'hex-chunks' as const } : isHex(text) ? { bytes: fromHex(text), form: 'hex' as const } : undefined;
    if (hex) return onlyTheHeaderSaysBinary ? { ...hex, asText: utf8(text) } : hex;
    if (flaggedBinary) throw new BodyDecodeError(`${where}.text: marked _isBinary but is neither hex nor hex chunks`);
  }
  return { bytes: utf8(text), form: 'text' };
}
