import { describe, expect, it } from 'vitest';
import { classifyEnv, envAddedToImage, secretByName, secretByValue } from '../../../shared/capture/env-secrets';
import { captureHealthcheck } from '../../../shared/capture/healthcheck';
import { readdressHar } from '../../../shared/capture/readdress';
import { parseDuration } from '../../../shared/format/duration';
import { parseHar } from '../../../shared/replay/har';

describe('env secrets fail closed, with a reason', () => {
  it('takes names with TOKEN, SECRET, PASSWORD, KEY, DSN, CREDENTIAL (any case, anywhere)', () => {
    for (const [name, part] of [
      ['API_TOKEN', 'TOKEN'],
      ['db_password', 'PASSWORD'],
      ['STRIPE_SECRET', 'SECRET'],
      ['PAYMENT_KEY', 'KEY'],
      ['SENTRY_DSN', 'DSN'],
      ['GOOGLE_APPLICATION_CREDENTIALS', 'CREDENTIAL'],
      ['Smtp_Passwd', 'PASSWD'],
    ]) {
      expect(secretByName(name!), name).toBe(`name contains ${part}`);
    }
    for (const name of ['PORT', 'LOG_LEVEL', 'PRICING_URL', 'FEATURE_NEW_PRICING']) expect(secretByName(name), name).toBeUndefined();
  });

  it('takes values that look like JWTs, PEM blocks, cloud keys, URLs with a password, or generated strings', () => {
    expect(secretByValue('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U')).toMatch(/JSON web token/);
    expect(secretByValue('-----BEGIN CERTIFICATE-----\nMIIB...')).toBe('value is a PEM block');
    expect(secretByValue('-----BEGIN RSA PRIVATE KEY-----\nMIIE')).toMatch(/private key/);
    expect(secretByValue('AKIAIOSFODNN7EXAMPLE')).toMatch(/AWS/);
    expect(secretByValue('postgres://app:hunter2@db:5432/shop')).toBe('value is a URL with user:password');
    expect(secretByValue('9f8Kq2LmX7vB4nR1tZ6wY3cH')).toMatch(/high-entropy/);
    for (const plain of ['http://pricing:9000', 'postgres://db:5432/shop', '/var/lib/data', 'production', 'info', '8080', 'new-pricing-engine-enabled', 'a b c d e f g h i j k l m n o p']) {
      expect(secretByValue(plain), plain).toBeUndefined();
    }
  });

  it('lets --secret force and --keep-env keep, and says what the rules would have said', () => {
    expect(classifyEnv('API_TOKEN', 'x')).toEqual({ name: 'API_TOKEN', secret: true, by: 'name', reason: 'name contains TOKEN' });
    expect(classifyEnv('REGION', 'eu-west-1')).toMatchObject({ secret: false, by: 'plain' });
    expect(classifyEnv('REGION', 'eu-west-1', { secret: ['REGION'] })).toMatchObject({ secret: true, by: 'forced', reason: 'marked secret by hand (--secret)' });
    expect(classifyEnv('KEYBOARD', 'us', { keep: ['KEYBOARD'] })).toEqual({ name: 'KEYBOARD', secret: false, by: 'kept', reason: 'kept by hand (--keep-env); otherwise a secret: name contains KEY' });
  });

  it('keeps only the env the deployment added to the image', () => {
    expect(envAddedToImage(['PATH=/bin', 'A=1', 'B=2', 'EMPTY='], ['PATH=/bin', 'B=1'])).toEqual([
      ['A', '1'],
      ['B', '2'],
      ['EMPTY', ''],
    ]);
  });
});

describe('healthchecks', () => {
  it('turns wget/curl of a local URL into an HTTP check, with its interval', () => {
    expect(captureHealthcheck({ Test: ['CMD', 'wget', '-q', '-O-', 'http://localhost:8080/health'], Interval: 2_000_000_000 }, 'container')).toEqual({
      ok: true,
      spec: { http: { port: 8080, path: '/health' }, intervalMs: 2000 },
      from: 'container healthcheck (wget http://localhost:8080/health)',
    });
    const shell = captureHealthcheck({ Test: ['CMD-SHELL', 'curl -fsS "http://127.0.0.1/ready?deep=1" || exit 1'] }, 'image');
    expect(shell).toMatchObject({ ok: true, spec: { http: { port: 80, path: '/ready?deep=1' } } });
  });

  it('says why anything else is not captured', () => {
    expect(captureHealthcheck(undefined, 'image')).toEqual({ ok: false, reason: 'no healthcheck' });
    expect(captureHealthcheck({ Test: ['NONE'] }, 'image')).toMatchObject({ ok: false, reason: /disabled/ });
    expect(captureHealthcheck({ Test: ['CMD-SHELL', 'pg_isready -U app'] }, 'container')).toMatchObject({ ok: false, reason: /not an HTTP check/ });
    expect(captureHealthcheck({ Test: ['CMD', 'curl', '-f', 'http://other:80/'] }, 'container')).toMatchObject({ ok: false, reason: /other, not the container/ });
    expect(captureHealthcheck({ Test: ['CMD', 'curl', '-f', 'https://localhost/'] }, 'container')).toMatchObject({ ok: false, reason: /https/ });
  });
});

describe('re-addressing recorded traffic', () => {
  const har = (urls: string[]) => ({
    log: {
      version: '1.2',
      creator: { name: 't', version: '1' },
      entries: urls.map((url) => ({ startedDateTime: '2026-11-20T14:03:00Z', request: { method: 'GET', url, headers: [] }, response: { status: 200, headers: [], content: { size: 0 } } })),
    },
  });
  const rules = { services: ['web', 'db'], published: [{ hostPort: 49153, service: 'web', containerPort: 8080 }] };

  it('sends host-port requests to the service that published the port, byte for byte', () => {
    const { har: out, summary } = readdressHar(har(['http://127.0.0.1:49153/a%2Fb?x=1&x=2', 'http://localhost:49153/', 'http://web:8080/kept', 'http://elsewhere:1234/z']), rules);
    expect(parseHar(JSON.stringify(out), 't.har').map((e) => e.request.url)).toEqual(['http://web:8080/a%2Fb?x=1&x=2', 'http://web:8080/', 'http://web:8080/kept', 'http://elsewhere:1234/z']);
    expect(summary.moved).toEqual([
      { from: 'http://127.0.0.1:49153', to: 'http://web:8080', why: 'host port 49153 is published by web (container port 8080)', count: 1 },
      { from: 'http://localhost:49153', to: 'http://web:8080', why: 'host port 49153 is published by web (container port 8080)', count: 1 },
    ]);
    expect(summary.unresolved).toEqual([{ origin: 'http://elsewhere:1234', count: 1 }]);
  });

  it('sends any other host to the ingress when one is named', () => {
    const { har: out, summary } = readdressHar(har(['https://shop.example.com/cart']), { ...rules, ingress: { service: 'web', port: 8080 } });
    expect(parseHar(JSON.stringify(out), 't.har')[0]!.request.url).toBe('http://web:8080/cart');
    expect(summary.unresolved).toEqual([]);
  });
});

describe('durations', () => {
  it('reads ms, s, m, h, d and bare numbers in the default unit', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('15')).toBe(15_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('15', { defaultUnit: 'm' })).toBe(900_000);
    expect(parseDuration('2h', { maxMs: 3_600_000 })).toBeUndefined();
    for (const bad of ['', '0s', '-1s', '1w', 'soon']) expect(parseDuration(bad), bad).toBeUndefined();
  });
});
