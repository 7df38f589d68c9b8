/**
 * An HTTP/1.1 response parser for the replay client (RFC 9112): status line, header fields,
 * bodies framed by Content-Length, chunked transfer coding, or the end of the connection.
 *
 * Why not http-parser-js (which this replaced): it turns every line into a string and runs a
 * regular expression on it, slices a Buffer for every body piece and dispatches every state
 * through a property lookup; at max rate that was a tenth of the replay client's CPU. Here the
 * head is found with one native indexOf and decoded once, and a body that arrived whole is
 * copied once. Node's own parser (llhttp) is not reachable from JavaScript without a deprecated
 * internal binding.
 *
 * What it refuses (an error, the connection is dropped): a malformed status line or field line,
 * a head over 80 KiB, a bad or conflicting Content-Length, a bad chunk size.
 */

export interface ResponseHead {
  status: number;
  /** Name, value, name, value … in the order received, names in the server's case. */
  rawHeaders: string[];
  /** Whether the connection may carry another request after this answer. */
  keepAlive: boolean;
}

export interface ResponseHandlers {
  /** The head of an answer; 1xx heads are skipped. Return true when the answer has no body (HEAD). */
  onHead(head: ResponseHead): boolean;
  /** A piece of the body (a copy: the caller's read buffer is reused). */
  onBody(chunk: Buffer): void;
  onComplete(): void;
}

export class ResponseParseError extends Error {
  override name = 'ResponseParseError';
}

const MAX_HEAD_BYTES = 80 * 1024;
const CRLFCRLF = Buffer.from('\r\n\r\n');
const STATUS_RE = /^HTTP\/(\d)\.(\d) (\d{3})(?: .*)?$/;

type State = 'head' | 'sized' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'until-close' | 'done';

export class ResponseParser {
  private state: State = 'head';
  /** Bytes of an unfinished head, chunk-size line or trailer section carried to the next read. */
  private carry: Buffer | null = null;
  private remaining = 0;
  private keepAlive = true;

  constructor(private readonly handlers: ResponseHandlers) {}

  /** Parse one read (its first `length` bytes); `data` may be reused as soon as this returns. */
  execute(data: Buffer, length = data.length): void {
    let buf = length === data.length ? data : data.subarray(0, length);
    if (this.carry) {
      buf = Buffer.concat([this.carry, buf]);
      this.carry = null;
    }
    let at = 0;
    while (at < buf.length) {
      switch (this.state) {
        case 'head': {
          const end = buf.indexOf(CRLFCRLF, at);
          if (end < 0) return this.keep(buf, at, MAX_HEAD_BYTES, 'response head');
          if (end - at > MAX_HEAD_BYTES) throw new ResponseParseError(`response head larger than ${MAX_HEAD_BYTES} bytes`);
          this.head(buf.toString('latin1', at, end));
          at = end + 4;
          break;
        }
        case 'sized':
          at = this.takeBody(buf, at);
          if (this.remaining === 0) this.complete();
          break;
        case 'chunk-size': {
          const eol = buf.indexOf('\r\n', at, 'latin1');
          if (eol < 0) return this.keep(buf, at, 4096, 'chunk size line');
          const line = buf.toString('latin1', at, eol);
          const semi = line.indexOf(';');
          const hex = (semi < 0 ? line : line.slice(0, semi)).trim();
          if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw new ResponseParseError(`bad chunk size "${line.slice(0, 40)}"`);
          this.remaining = parseInt(hex, 16);
          at = eol + 2;
          this.state = this.remaining === 0 ? 'trailers' : 'chunk-data';
          break;
        }
        case 'chunk-data':
          at = this.takeBody(buf, at);
          if (this.remaining === 0) this.state = 'chunk-crlf';
          break;
        case 'chunk-crlf': {
          if (buf.length - at < 2) return this.keep(buf, at, 2, 'chunk end');
          if (buf[at] !== 13 || buf[at + 1] !== 10) throw new ResponseParseError('chunk data not followed by CRLF');
          at += 2;
          this.state = 'chunk-size';
          break;
        }
        case 'trailers': {
          // Trailer fields end with an empty line; they are read and dropped.
          if (buf.length - at >= 2 && buf[at] === 13 && buf[at + 1] === 10) {
            at += 2;
            this.complete();
            break;
          }
          const end = buf.indexOf(CRLFCRLF, at);
          if (end < 0) return this.keep(buf, at, MAX_HEAD_BYTES, 'trailer section');
          at = end + 4;
          this.complete();
          break;
        }
        case 'until-close':
          this.handlers.onBody(Buffer.from(buf.subarray(at)));
          at = buf.length;
          break;
        case 'done':
          // Bytes after an answer that closes the connection, or before any request: not ours.
          return;
      }
    }
  }

  /** The connection ended: completes a body that runs to the close; false if an answer was cut short. */
  finish(): boolean {
    if (this.state === 'until-close') {
      this.complete();
      return true;
    }
    return (this.state === 'head' || this.state === 'done') && this.carry === null;
  }

  /** Whether the last complete answer allows another request on the connection. */
  get reusable(): boolean {
    return this.keepAlive && this.state === 'head';
  }

  /** Hand on up to `remaining` body bytes from `at` (copied); returns where parsing goes on. */
  private takeBody(buf: Buffer, at: number): number {
    const n = Math.min(this.remaining, buf.length - at);
    this.handlers.onBody(Buffer.from(buf.subarray(at, at + n)));
    this.remaining -= n;
    return at + n;
  }

  private keep(buf: Buffer, at: number, limit: number, what: string): void {
    if (buf.length - at > limit) throw new ResponseParseError(`${what} longer than ${limit} bytes`);
    this.carry = Buffer.from(buf.subarray(at));
  }

  private head(text: string): void {
    let eol = text.indexOf('\r\n');
    const statusLine = eol < 0 ? text : text.slice(0, eol);
    const m = STATUS_RE.exec(statusLine);
    if (!m) throw new ResponseParseError(`bad status line "${statusLine.slice(0, 60)}"`);
    const major = Number(m[1]);
    const minor = Number(m[2]);
    const status = Number(m[3]);
    const rawHeaders: string[] = [];
    let contentLength = -1;
    let transferEncoding: string | undefined;
    let connection = '';
    while (eol >= 0) {
      const start = eol + 2;
      eol = text.indexOf('\r\n', start);
      const line = eol < 0 ? text.slice(start) : text.slice(start, eol);
      const first = line.charCodeAt(0);
      if (first === 32 || first === 9) {
        // obs-fold (RFC 9112 §5.2): a continuation of the previous value.
        if (rawHeaders.length === 0) throw new ResponseParseError('header continuation before any header');
        rawHeaders[rawHeaders.length - 1] += ` ${line.trim()}`;
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) throw new ResponseParseError(`bad header line "${line.slice(0, 60)}"`);
      const name = line.slice(0, colon);
      const value = line.slice(colon + 1).trim();
      rawHeaders.push(name, value);
      // Only framing headers matter here; compare by length first (no string per header).
      if (name.length === 14 && name.toLowerCase() === 'content-length') {
        if (!/^\d{1,15}$/.test(value)) throw new ResponseParseError(`bad Content-Length "${value.slice(0, 40)}"`);
        const n = Number(value);
        if (contentLength >= 0 && contentLength !== n) throw new ResponseParseError('conflicting Content-Length values');
        contentLength = n;
      } else if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') {
        transferEncoding = transferEncoding === undefined ? value : `${transferEncoding},${value}`;
      } else if (name.length === 10 && name.toLowerCase() === 'connection') {
        connection += `${value.toLowerCase()},`;
      }
    }
    const tokens = connection.split(',').map((t) => t.trim());
    this.keepAlive = major > 1 || (major === 1 && minor >= 1) ? !tokens.includes('close') : tokens.includes('keep-alive');
    // 1xx heads come before the answer; the parser goes on to the next head.
    if (status >= 100 && status < 200) return;
    const noBody = this.handlers.onHead({ status, rawHeaders, keepAlive: this.keepAlive }) || status === 204 || status === 304;
    if (noBody) return this.complete();
    // Transfer-Encoding overrides Content-Length; chunked must be the final coding, else the body
    // runs to the close (RFC 9112 §6.3).
    if (transferEncoding !== undefined && /(?:^|,)\s*chunked\s*$/i.test(transferEncoding)) this.state = 'chunk-size';
    else if (transferEncoding === undefined && contentLength >= 0) {
      this.remaining = contentLength;
      if (contentLength === 0) this.complete();
      else this.state = 'sized';
    } else {
      // No framing: the body runs to the end of the connection, which then cannot be reused.
      this.keepAlive = false;
      this.state = 'until-close';
    }
  }

  private complete(): void {
    this.state = this.keepAlive ? 'head' : 'done';
    this.handlers.onComplete();
  }
}
