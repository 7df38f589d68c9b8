import { describe, expect, it } from 'vitest';
import { checkServices, parseDurationMs, parseRunbook } from '../../../shared/runbook';

const RUNBOOK = `# Checkout latency

Check the price service first.

\`\`\`sh {service=pricing}
wget -qO- http://localhost:9000/health
\`\`\`

\`\`\`expect
exit 0
contains "ok"
\`\`\`

A snippet to read, not to run:

\`\`\`sh
docker ps
\`\`\`

1. Send one checkout:

   \`\`\`http
   POST http://checkout/api/checkout HTTP/1.1
   Content-Type: application/json

   {"cart":"c-1"}
   \`\`\`

\`\`\`replay {concurrency=4}
\`\`\`
`;

describe('parseRunbook', () => {
  it('finds executable steps in order with their source lines', () => {
    const { steps, blocks } = parseRunbook(RUNBOOK);
    expect(steps.map((s) => s.kind)).toEqual(['sh', 'expect', 'http', 'replay']);
    expect(steps.map((s) => s.index)).toEqual([0, 1, 2, 3]);
    const lines = RUNBOOK.split('\n');
    for (const s of steps) {
      expect(lines[s.range.startLine - 1]!.trim().startsWith('```')).toBe(true);
      expect(lines[s.range.endLine - 1]!.trim()).toBe('```');
      expect(s.problem).toBeUndefined();
    }
    expect(steps[0]).toMatchObject({ kind: 'sh', service: 'pricing', body: 'wget -qO- http://localhost:9000/health', range: { startLine: 5, endLine: 7 } });
    expect(steps[2]).toMatchObject({ kind: 'http', request: { method: 'POST', service: 'checkout', path: '/api/checkout', body: '{"cart":"c-1"}' }, range: { startLine: 22, endLine: 27 } });
    expect(steps[3]).toMatchObject({ kind: 'replay', concurrency: 4 });
    // The bare sh snippet is prose, not a step.
    const prose = blocks.filter((b) => b.type === 'prose').map((b) => (b.type === 'prose' ? b.markdown : '')).join('');
    expect(prose).toContain('docker ps');
    expect(prose).toContain('Check the price service first.');
  });

  it('prose plus step ranges cover the document without overlap', () => {
    const { blocks } = parseRunbook(RUNBOOK);
    let last = -1;
    for (const b of blocks) {
      const r = b.type === 'prose' ? b.range : b.step.range;
      expect(r.start).toBeGreaterThanOrEqual(last);
      last = r.end;
    }
  });

  it('handles CRLF and blockquoted steps', () => {
    const { steps } = parseRunbook('intro\r\n\r\n> ```expect\r\n> status 200\r\n> ```\r\n');
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ kind: 'expect', range: { startLine: 3, endLine: 5 } });
  });

  it('reports problems per step with the line, and keeps parsing', () => {
    const { steps } = parseRunbook('```sh {service=Bad_Name}\nls\n```\n\n```sh {svc=a}\nls\n```\n\n```expect\nwhatever\n```\n\n```http\nFETCH http://a/\n```\n\n```sh {service=a timeout=soon}\nls\n```\n');
    expect(steps).toHaveLength(5);
    expect(steps[0]!.problem).toMatch(/step 1 \(line 1\).*"Bad_Name" is not a service name/);
    expect(steps[1]!.problem).toMatch(/unknown attribute svc/);
    expect(steps[2]!.problem).toMatch(/"whatever" is not an assertion/);
    expect(steps[3]!.problem).toMatch(/"FETCH" is not an HTTP method/);
    expect(steps[4]!.problem).toMatch(/timeout "soon"/);
  });

  it('checkServices flags services the bundle does not have', () => {
    const { steps } = parseRunbook('```sh {service=ghost}\nls\n```\n```http\nGET http://checkout/\n```\n');
    const checked = checkServices(steps, ['checkout', 'pricing']);
    expect(checked[0]!.problem).toMatch(/no service "ghost"/);
    expect(checked[1]!.problem).toBeUndefined();
  });

  it('parses durations', () => {
    expect(parseDurationMs('30')).toBe(30_000);
    expect(parseDurationMs('500ms')).toBe(500);
    expect(parseDurationMs('2m')).toBe(120_000);
    expect(parseDurationMs('0')).toBeUndefined();
    expect(parseDurationMs('forever')).toBeUndefined();
  });
});
