/**
 * Property-based fuzzing of what a hostile bundle feeds the workbench: random and mutated
 * manifests, bundle archives, image archives and HAR files go through the same parsing that
 * open, verify and replay use. Each must end in a result or a clear error (a WorkbenchError, a
 * problem list, a HarParseError), never a crash (another exception), a hang (fc.timeout) or a
 * file written outside the unpack folder; a replay request built from any recording goes only
 * to the session's own endpoint.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../../shared/api/errors';
import { PROBLEM_CODES } from '../../../shared/bundle/problems';
import { parseManifest } from '../../../shared/bundle/validate';
import { FixtureBook } from '../../../shared/replay/fixtures';
import { HarParseError, orderEntries, parseHar } from '../../../shared/replay/har';
import { buildReplayRequest } from '../../../shared/replay/request';
import { openBundle } from '../../../electron/services/bundles/open';
import { readImageArchive } from '../../../electron/services/bundles/image-id';
import { verifyBundle } from '../../../electron/services/bundles/verify';
import { ImageArchiveRefused, untaggedImageStream } from '../../../electron/services/environments/untagged-image-stream';
import { bundleEntries, gzip, makeTempDir, rawTar, removeDir, webImage, writeBundle, type BuiltBundle } from '../bundles/builders';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'har');
let dir: string;
let built: BuiltBundle;
let tarBytes: Buffer;
let hars: string[];
let runs = 0;

beforeAll(async () => {
  dir = await makeTempDir('hostile-fuzz-');
  built = await writeBundle(join(dir, 'bundle'));
  tarBytes = rawTar(await bundleEntries(built));
  hars = await Promise.all((await readdir(FIXTURES)).filter((f) => f.endsWith('.har')).map((f) => readFile(join(FIXTURES, f), 'utf8')));
});
afterAll(() => removeDir(dir));

/** Replace (or drop) the value at a random path of a JSON document. */
function mutateJson(doc: unknown, choice: number, replacement: unknown): unknown {
  const paths: Array<Array<string | number>> = [];
  const walk = (v: unknown, path: Array<string | number>, depth: number) => {
    paths.push(path);
    if (depth > 6 || paths.length > 2000) return;
    if (Array.isArray(v)) v.slice(0, 20).forEach((x, i) => walk(x, [...path, i], depth + 1));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k], depth + 1);
  };
  walk(doc, [], 0);
  const target = paths[choice % paths.length]!;
  if (target.length === 0) return replacement;
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let at = copy;
  for (const k of target.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  const last = target.at(-1)!;
  if (replacement === undefined && !Array.isArray(at)) delete at[last];
  else at[last] = replacement;
  return copy;
}

/** Values a hostile author would try: escapes, huge numbers, wrong types, deep nesting. */
const nasty = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(undefined, '../../etc/passwd', '/etc/passwd', 'a\\b', '\u0000', 'x'.repeat(5000), -1, 1e308, Number.MAX_SAFE_INTEGER + 2, [], {}, null, 'http://169.254.169.254/latest', '//127.0.0.1:9/x'),
);

async function listTree(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(root, { withFileTypes: true })) {
    out.push(d.name);
    if (d.isDirectory()) for (const c of await listTree(join(root, d.name))) out.push(`${d.name}/${c}`);
  }
  return out;
}

describe('hostile input never crashes, hangs or escapes', () => {
  it('manifests: a parse result or a list of problems', () => {
    const base = built.manifest;
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue().map((j) => JSON.stringify(j)), fc.tuple(fc.nat(), nasty).map(([c, v]) => JSON.stringify(mutateJson(base, c, v))), fc.string()), (text) => {
        const r = parseManifest(text);
        if (r.ok) expect(r.manifest.schema).toBe('repro.bundle/v1');
        else {
          expect(r.problems.length).toBeGreaterThan(0);
          for (const p of r.problems) {
            expect(PROBLEM_CODES).toContain(p.code);
            expect(p.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('mutated manifests in a bundle folder: open and verify report, never throw anything else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), nasty, async (choice, value) => {
        const root = join(dir, `m-${runs++}`);
        await mkdir(root);
        for (const f of built.manifest.files as Array<{ path: string }>) {
          await mkdir(join(root, f.path, '..'), { recursive: true });
          await writeFile(join(root, f.path), await readFile(join(built.root, f.path)));
        }
        // the whole document replaced by undefined has no JSON text: an empty bundle.json, as hostile
        await writeFile(join(root, 'bundle.json'), JSON.stringify(mutateJson(built.manifest, choice, value)) ?? '');
        try {
          const opened = await openBundle(root, { settingsDir: join(dir, 'no-settings') }).catch((err: unknown) => {
            expect(err).toBeInstanceOf(WorkbenchError);
            return undefined;
          });
          if (opened) {
            const report = await verifyBundle(opened, { trustedKeysDir: null });
            expect(typeof report.ok).toBe('boolean');
          }
        } finally {
          await rm(root, { recursive: true, force: true });
        }
      }),
      { numRuns: 60, plugins: [fc.timeout(20_000)] },
    );
  });

  it('mutated bundle archives: a verified bundle or a clear error, and nothing outside the unpack folder', async () => {
    const flips = fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(flips, fc.option(fc.nat(), { nil: undefined }), fc.boolean(), async (changes, cut, compress) => {
        const run = join(dir, `a-${runs++}`);
        const work = join(run, 'work');
        await mkdir(work, { recursive: true });
        const bytes = Buffer.from(tarBytes);
        for (const c of changes) bytes[c.at % bytes.length] = c.byte;
        const tar = cut === undefined ? bytes : bytes.subarray(0, cut % bytes.length);
        const file = join(run, compress ? 'b.tgz' : 'b.tar');
        await writeFile(file, compress ? gzip(tar) : tar);
        try {
          const opened = await openBundle(file, { workDir: work, settingsDir: join(run, 'none') }).catch((err: unknown) => {
            expect(err).toBeInstanceOf(WorkbenchError);
            return undefined;
          });
          if (opened) {
            const report = await verifyBundle(opened, { trustedKeysDir: null });
            expect(typeof report.ok).toBe('boolean');
            await opened.dispose();
          }
          expect(await readdir(work)).toEqual([]);
          expect((await listTree(run)).sort()).toEqual([compress ? 'b.tgz' : 'b.tar', 'work']);
        } finally {
          await rm(run, { recursive: true, force: true });
        }
      }),
      { numRuns: 80, plugins: [fc.timeout(20_000)] },
    );
  });

  it('mutated image archives: read, and loaded through the name-stripping stream, or refused clearly', async () => {
    const image = webImage('victim:1').bytes;
    const flips = fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(flips, fc.option(fc.nat(), { nil: undefined }), fc.integer({ min: 1, max: 4096 }), async (changes, cut, chunk) => {
        const bytes = Buffer.from(image);
        for (const c of changes) bytes[c.at % bytes.length] = c.byte;
        const archive = cut === undefined ? bytes : bytes.subarray(0, cut % bytes.length);
        const file = join(dir, `img-${runs++}.tar`);
        await writeFile(file, archive);
        try {
          await readImageArchive(file).catch((err: unknown) => expect(err).toBeInstanceOf(Error));
          const chunks = Array.from({ length: Math.ceil(archive.length / chunk) }, (_, i) => archive.subarray(i * chunk, (i + 1) * chunk));
          const out: Buffer[] = [];
          await pipeline(Readable.from(chunks), untaggedImageStream(), async (src: AsyncIterable<Buffer>) => {
            for await (const c of src) out.push(c);
          }).catch((err: unknown) => {
            // a refusal says why; anything else is the tar parser's own clear complaint
            expect(err instanceof ImageArchiveRefused || err instanceof Error).toBe(true);
            expect((err as Error).message.length).toBeGreaterThan(0);
          });
          // whatever goes to the engine never carries a name
          expect(Buffer.concat(out).includes('"RepoTags":["victim:1"]')).toBe(false);
        } finally {
          await rm(file, { force: true });
        }
      }),
      { numRuns: 120, plugins: [fc.timeout(10_000)] },
    );
  });

  it('HAR files: entries or a HarParseError, and replay requests only ever go to the session endpoint', () => {
    const services = [{ name: 'web', ingressPort: 8080, endpoints: [{ container: 8080, url: 'http://127.0.0.1:40001' }] }];
    const harText = fc.oneof(
      fc.jsonValue().map((j) => JSON.stringify(j)),
      fc.tuple(fc.nat(), fc.nat(), nasty).map(([which, c, v]) => JSON.stringify(mutateJson(JSON.parse(hars[which % hars.length]!), c, v))),
      // recorded URLs naming the service, with every trick for leaving its origin
      fc.constantFrom('//127.0.0.1:9/x', '/\\127.0.0.1:9/x', '//evil.example/a', '/..%2f..%2fx', '/%2e%2e/x', '@evil.example/x', ':9/x', '/x#@evil').map((p) =>
        JSON.stringify({ log: { version: '1.2', creator: { name: 'f', version: '1' }, entries: [{ startedDateTime: '2026-01-01T00:00:00Z', time: 1, request: { method: 'GET', url: `http://web${p}`, headers: [] }, response: { status: 200, headers: [], content: { text: 'x', mimeType: 'text/plain' } } }] } }),
      ),
    );
    fc.assert(
      fc.property(harText, (text) => {
        let entries;
        try {
          entries = parseHar(text, 'traffic/fuzz.har');
        } catch (err) {
          expect(err).toBeInstanceOf(HarParseError);
          expect((err as HarParseError).problems.length).toBeGreaterThan(0);
          return;
        }
        const ordered = orderEntries([entries]);
        new FixtureBook(ordered).hosts();
        for (const [i, e] of ordered.entries()) {
          const req = buildReplayRequest(e, i, services);
          if (req.target.ok) expect(new URL(req.target.url).origin).toBe('http://127.0.0.1:40001');
        }
      }),
      { numRuns: 400 },
    );
  });
});
