// The replay client's response parser on exact bytes: framing, 1xx, keep-alive, and every way a
// read can split an answer. (http-client.test.ts drives it through real sockets.)
import { describe, expect, it } from 'vitest';
import { ResponseParseError, ResponseParser, type ResponseHead } from '../../../electron/services/replay/response-parser';

interface Parsed {
  heads: ResponseHead[];
  bodies: string[];
  completed: number;
}

function parse(reads: string[], opts: { head?: boolean; eof?: boolean } = {}): Parsed & { finished: boolean | undefined } {
  const out: Parsed = { heads: [], bodies: [], completed: 0 };
  let body = '';
  const p = new ResponseParser({
    onHead(h) {
      out.heads.push(h);
      return opts.head ?? false;
    },
    onBody(chunk) {
      body += chunk.toString('latin1');
    },
    onComplete() {
      out.completed++;
      out.bodies.push(body);
      body = '';
    },
  });
  // The caller's buffer is reused between reads: overwrite it to catch a parser that keeps views.
  const shared = Buffer.alloc(4096);
  for (const r of reads) {
    const n = shared.write(r, 'latin1');
    p.execute(shared, n);
    shared.fill(0x58);
  }
  const finished = opts.eof ? p.finish() : undefined;
  return { ...out, finished };
}

const SIZED = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{"total":"1"}';
const CHUNKED = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: t\r\n\r\n';

describe('ResponseParser', () => {
  it('reads a sized answer and keeps header names, order and values', () => {
    const r = parse([SIZED]);
    expect(r.heads[0]).toEqual({ status: 200, rawHeaders: ['Content-Type', 'application/json', 'Content-Length', '13'], keepAlive: true });
    expect(r.bodies).toEqual(['{"total":"1"}']);
  });

  it('gives the same answer however the bytes are split into reads', () => {
    for (const whole of [SIZED, CHUNKED, `HTTP/1.1 100 Continue\r\n\r\n${SIZED}`, `${SIZED}${CHUNKED}`]) {
      const expected = parse([whole]);
      for (let cut = 1; cut < whole.length; cut++) {
        expect(parse([whole.slice(0, cut), whole.slice(cut)]), `cut at ${cut}`).toEqual(expected);
      }
      expect(parse([...whole])).toEqual(expected);
    }
  });

  it('decodes chunked bodies (extensions and trailers dropped) and then reads the next answer', () => {
    const r = parse([CHUNKED + SIZED]);
    expect(r.bodies).toEqual(['Wikipedia', '{"total":"1"}']);
    expect(r.heads.map((h) => h.status)).toEqual([200, 200]);
  });

  it('skips 1xx heads, and reads no body for HEAD, 204 and 304 even with a Content-Length', () => {
    const r = parse(['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n', SIZED]);
    expect(r.heads).toHaveLength(1);
    expect(r.bodies).toEqual(['{"total":"1"}']);
    expect(parse(['HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n'], { head: true }).completed).toBe(1);
    const r304 = parse(['HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n']);
    expect(r304.heads.map((h) => h.status)).toEqual([304, 204]);
    expect(r304.bodies).toEqual(['', '']);
  });

  it('knows when the connection can be reused', () => {
    expect(parse(['HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n']).heads[0]!.keepAlive).toBe(false);
    expect(parse(['HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n']).heads[0]!.keepAlive).toBe(false);
    expect(parse(['HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n']).heads[0]!.keepAlive).toBe(true);
  });

  it('reads a body without framing until the connection ends, and says when an answer was cut short', () => {
    const r = parse(['HTTP/1.1 200 OK\r\n\r\nhello ', 'world'], { eof: true });
    expect(r.bodies).toEqual(['hello world']);
    expect(r.finished).toBe(true);
    // Transfer-Encoding that does not end in chunked also runs to the close, Content-Length or not.
    expect(parse(['HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 1\r\n\r\nabc'], { eof: true }).bodies).toEqual(['abc']);
    expect(parse(['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'], { eof: true }).finished).toBe(false);
    expect(parse(['HTTP/1.1 200 O'], { eof: true }).finished).toBe(false);
    expect(parse([], { eof: true }).finished).toBe(true);
  });

  it('refuses malformed answers with a reason', () => {
    const bad: [string, RegExp][] = [
      ['HTTP/1.1 2000 OK\r\n\r\n', /status line/],
      ['SSH-2.0-OpenSSH\r\n\r\n', /status line/],
      ['HTTP/1.1 200 OK\r\nno colon here\r\n\r\n', /header line/],
      ['HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', /Content-Length/],
      ['HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', /conflicting/],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /chunk size/],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n', /CRLF/],
    ];
    for (const [text, why] of bad) expect(() => parse([text]), text).toThrow(why);
    // A head that never ends, fed in reads of 4000 bytes.
    const huge = `HTTP/1.1 200 OK\r\nX: ${'a'.repeat(81 * 1024)}`;
    expect(() => parse(huge.match(/[^]{1,4000}/g)!)).toThrow(ResponseParseError);
  });
});
