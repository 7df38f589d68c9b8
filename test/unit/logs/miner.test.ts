/**
 * The template miner on real-world lines: nginx access and error logs, Go slog messages, Python
 * and Java application messages, OpenSSH's auth log. Lines written by one format string share a
 * template; lines of different format strings do not; the result depends only on the input.
 */
import { describe, expect, it } from 'vitest';
import { maskMessage } from '../../../shared/logs/masks';
import { TemplateMiner } from '../../../shared/logs/miner';
import { compareLogs } from '../../../shared/logs/compare';
import { Level } from '../../../shared/logs/levels';

function mine(lines: string[]) {
  const miner = new TemplateMiner();
  const patterns = lines.map((l) => miner.add(l));
  const model = miner.mine();
  return { model, ids: patterns.map((p) => model.templates[model.templateOfPattern[p]!]!.id), text: (i: number) => model.templates[model.templateOfPattern[patterns[i]!]!]!.text };
}

const NGINX_ACCESS = [
  '172.17.0.1 - - [05/Mar/2024:10:15:30 +0000] "GET /api/cart?id=7 HTTP/1.1" 200 512 "-" "curl/8.5.0"',
  '10.0.3.41 - - [05/Mar/2024:10:15:31 +0000] "POST /api/orders HTTP/1.1" 201 88 "https://shop.example.com/cart" "Mozilla/5.0 (X11; Linux x86_64)"',
  '192.168.1.9 - - [05/Mar/2024:10:16:02 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.29"',
];
const NGINX_ERROR = [
  '2024/03/05 10:15:30 [error] 29#29: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 172.17.0.1, server: _, request: "GET /api/cart HTTP/1.1", upstream: "http://10.0.0.2:8080/api/cart", host: "localhost"',
  '2024/03/05 10:15:41 [error] 29#29: *17 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.3.41, server: _, request: "POST /api/orders HTTP/1.1", upstream: "http://10.0.0.2:8080/api/orders", host: "shop.example.com"',
  '2024/03/05 10:15:42 [warn] 29#29: *18 an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/1/00/0000000001 while reading upstream',
];

describe('template mining', () => {
  it('groups nginx access lines into one template and error lines by their format', () => {
    const { ids, text } = mine([...NGINX_ACCESS, ...NGINX_ERROR]);
    expect(new Set(ids.slice(0, 3)).size).toBe(1);
    expect(ids[3]).toBe(ids[4]);
    expect(ids[5]).not.toBe(ids[3]);
    expect(ids[0]).not.toBe(ids[3]);
    expect(text(3)).toContain('connect() failed');
    expect(text(3)).not.toMatch(/172\.17|10\.0\.0\.2|\*17/);
  });

  it('groups application messages (slog, Python, Java) on their fixed words, values as <*>', () => {
    const lines = [
      'request handled method=GET path=/api/items status=200 duration=12.5ms',
      'request handled method=GET path=/api/orders/4711 status=201 duration=48ms',
      'Payment declined for order 4711: insufficient funds',
      'Payment declined for order 4712: card expired',
      'slow query took 1.52s on table "prices"',
      'slow query took 0.98s on table "carts"',
      'user alice logged in from 10.1.2.3',
      'user bob logged in from 10.1.2.4',
      'user carol logged in from 10.9.8.7',
      'user dave logged in from 10.9.8.8',
      'user erin logged in from 10.9.8.9',
      'user frank logged in from 10.9.8.10',
      'Connection closed by 10.0.0.1 port 22',
    ];
    const { ids, text, model } = mine(lines);
    expect(ids[0]).toBe(ids[1]);
    expect(text(0)).toBe('request handled method=GET path=<*> status=<*> duration=<*>');
    expect(ids[4]).toBe(ids[5]);
    expect(text(4)).toBe('slow query took <*> on table <*>');
    // six different user names at one position: a variable
    expect(new Set(ids.slice(6, 12)).size).toBe(1);
    expect(text(6)).toBe('user <*> logged in from <*>');
    expect(ids[12]).not.toBe(ids[6]);
    expect(model.templates.map((t) => t.id)).toEqual(model.templates.map((_, i) => i + 1));
  });

  it('keeps apart messages that differ in a fixed word, and OpenSSH lines whose user names vary', () => {
    const ssh = [
      'Failed password for root from 183.62.140.253 port 38471 ssh2',
      'Failed password for invalid user admin from 5.188.10.180 port 49219 ssh2',
      'Failed password for invalid user test from 103.99.0.122 port 56120 ssh2',
      'Failed password for invalid user oracle from 187.141.143.180 port 44872 ssh2',
      'Failed password for invalid user pi from 211.75.3.5 port 42190 ssh2',
      'Failed password for invalid user ubuntu from 59.63.188.30 port 51733 ssh2',
      'Failed password for invalid user git from 112.95.230.3 port 33216 ssh2',
      'Accepted password for fztu from 119.137.62.142 port 49116 ssh2',
      'Connection reset by 173.234.31.186 port 38926 [preauth]',
      'Connection closed by 173.234.31.186 port 38926 [preauth]',
    ];
    const { ids, text } = mine(ssh);
    expect(new Set(ids.slice(1, 7)).size).toBe(1);
    expect(text(1)).toBe('Failed password for invalid user <*> from <*> port <*> <*>');
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids[0]).not.toBe(ids[7]);
    expect(ids[8]).not.toBe(ids[9]);
  });

  it('is deterministic: the same lines give the same templates, ids and assignments', () => {
    const lines = [...NGINX_ACCESS, ...NGINX_ERROR, 'a b c', 'x 1 y', 'x 2 y'];
    const a = mine(lines);
    const b = mine(lines);
    expect(b.ids).toEqual(a.ids);
    expect(b.model.templates).toEqual(a.model.templates);
  });

  it('masks the obvious values with one general set of masks', () => {
    expect(maskMessage('GET https://api.example.com/v1/x?y=1 from alice@example.com')).toBe('GET <*> from <*>');
    expect(maskMessage('deleted /var/lib/data/blk_1 and blk_-42 blk_7 blk_9')).toBe('deleted <*> and blk_<*>');
    expect(maskMessage('stored 12.5 KB, free 3 GB at 2024-03-05T10:15:30.123Z')).toBe('stored <*>, free <*> at <*>');
    expect(maskMessage('id 550e8400-e29b-41d4-a716-446655440000 on 10.0.0.1:8080')).toBe('id <*> on <*>');
    expect(maskMessage('user "bob smith" said  hi\tthere\nstack trace line')).toBe('user <*> said hi there');
    expect(maskMessage('Ido chip status changed: status=M Fri Jul 29 17:41:44 PDT 2005')).toBe('Ido chip status changed: status=M <*>');
  });

  it('matches new lines to the templates it mined', () => {
    const { model } = mine(['user alice logged in from 10.1.2.3', 'user bob logged in from 10.1.2.4', 'user carol logged in from 10.1.2.5', 'user dave logged in from 10.1.2.6', 'user erin logged in from 10.1.2.6', 'user frank logged in from 10.1.2.6']);
    expect(model.match('user mallory logged in from 192.168.0.1')).toBe(0);
    expect(model.match('user mallory logged out')).toBe(-1);
  });
});

describe('comparing a reproduction with its incident', () => {
  const rec = (msg: string, level: number, service = 'pricing') => ({ msg, level: level as 0, service });
  it('tells reproduced, missing and new templates apart, with counts on both sides', () => {
    const incident = [
      rec('no price for SKU-2077 in cart 4711', Level.error),
      rec('no price for SKU-2077 in cart 4712', Level.error),
      rec('tier lookup for line 3 took 101 ms', Level.info),
      rec('payment service timeout after 3000 ms', Level.error, 'checkout'),
    ];
    const repro = [rec('no price for SKU-2077 in cart 99', Level.error), rec('tier lookup for line 9 took 99 ms', Level.info), rec('catalogue not mounted at /data', Level.error)];
    const c = compareLogs(incident, repro);
    expect(c.reproduced).toEqual([{ template: 'no price for SKU-<*> in cart <*>', incidentId: 1, level: 'error', incident: 2, repro: 1, services: ['pricing'] }]);
    expect(c.missing.map((m) => [m.template, m.incident, m.repro])).toEqual([['payment service timeout after <*> ms', 1, 0]]);
    expect(c.new.map((m) => [m.template, m.level, m.incident, m.repro])).toEqual([['catalogue not mounted at /data', 'error', 0, 1]]);
    expect(c.errorTemplatesReproduced).toBe(0.5);
    expect(c.incident).toEqual({ lines: 4, templates: 3, errorTemplates: 2 });
  });
});
