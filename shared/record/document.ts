/**
 * A tiny document model rendered to Markdown and to self-contained HTML, so both formats of the
 * report carry the same content and every piece of recorded text is escaped for its format
 * (recorded outputs come from containers and bundles: they must not inject markup).
 */
export type DocBlock =
  | { type: 'heading'; level: 1 | 2 | 3; text: string; /** anchor for links within the report */ id?: string }
  /** Links within the report only (href "#anchor"): a report never points outside itself. */
  | { type: 'links'; items: Array<{ text: string; href: string }> }
  | { type: 'paragraph'; text: string }
  | { type: 'fields'; rows: Array<[string, string]> }
  | { type: 'table'; header: string[]; rows: string[][] }
  | { type: 'code'; text: string; lang?: string }
  | { type: 'list'; items: string[] }
  | { type: 'verdict'; ok: boolean | null; text: string };

export function renderMarkdown(blocks: readonly DocBlock[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.type) {
      case 'heading':
        out.push(`${b.id && ANCHOR.test(b.id) ? `<a id="${b.id}"></a>\n\n` : ''}${'#'.repeat(b.level)} ${inlineMd(b.text)}`);
        break;
      case 'links':
        out.push(b.items.map((l) => `- ${ANCHOR_HREF.test(l.href) ? `[${inlineMd(l.text)}](${l.href})` : inlineMd(l.text)}`).join('\n'));
        break;
      case 'paragraph':
        out.push(inlineMd(b.text));
        break;
      case 'verdict':
        out.push(`**${inlineMd(b.text)}**`);
        break;
      case 'fields':
        out.push(b.rows.map(([k, v]) => `- **${inlineMd(k)}:** ${inlineMd(v)}`).join('\n'));
        break;
      case 'list':
        out.push(b.items.map((i) => `- ${inlineMd(i)}`).join('\n'));
        break;
      case 'table':
        out.push(
          [`| ${b.header.map(cellMd).join(' | ')} |`, `| ${b.header.map(() => '---').join(' | ')} |`, ...b.rows.map((r) => `| ${r.map(cellMd).join(' | ')} |`)].join('\n'),
        );
        break;
      case 'code': {
        const longest = Math.max(2, ...[...b.text.matchAll(/`+/g)].map((m) => m[0].length));
        const fence = '`'.repeat(longest + 1);
        out.push(`${fence}${b.lang ?? ''}\n${b.text.replace(/\n$/, '')}\n${fence}`);
        break;
      }
    }
  }
  return `${out.join('\n\n')}\n`;
}

const ANCHOR = /^[A-Za-z][A-Za-z0-9_-]{0,100}$/;
const ANCHOR_HREF = /^#[A-Za-z][A-Za-z0-9_-]{0,100}$/;

/** Escape Markdown syntax and raw HTML in recorded text. */
function inlineMd(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/([\\`*[\]<>|])/g, '\\$1')
    // "_" only emphasises at a word boundary (NEW_PRICING stays readable); "#" only at the start.
    .replace(/(^|\W)_|_(?=\W|$)/g, (m) => m.replace('_', '\\_'))
    .replace(/^#/, '\\#');
}

function cellMd(text: string): string {
  return inlineMd(text);
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const CSS = `
body{font:14px/1.5 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2328;max-width:980px;margin:2rem auto;padding:0 1.5rem}
h1{font-size:1.7rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}h3{font-size:1.05rem}
table{border-collapse:collapse;margin:.5rem 0;width:100%}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f6f8fa}
pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:.6rem;overflow:auto;white-space:pre-wrap;word-break:break-word;font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem}dt{font-weight:600}dd{margin:0}
.verdict{font-size:1.1rem;font-weight:700;padding:.5rem .8rem;border-radius:6px;display:inline-block}
.ok{background:#dafbe1;color:#116329}.bad{background:#ffebe9;color:#a40e26}.none{background:#eaeef2;color:#424a53}
@media print{body{margin:0}pre{white-space:pre-wrap}}
`;

export function renderHtml(title: string, blocks: readonly DocBlock[]): string {
  const body = blocks
    .map((b) => {
      switch (b.type) {
        case 'heading':
          return `<h${b.level}${b.id && ANCHOR.test(b.id) ? ` id="${b.id}"` : ''}>${escapeHtml(b.text)}</h${b.level}>`;
        case 'links':
          return `<ul>${b.items.map((l) => `<li>${ANCHOR_HREF.test(l.href) ? `<a href="${l.href}">${escapeHtml(l.text)}</a>` : escapeHtml(l.text)}</li>`).join('')}</ul>`;
        case 'paragraph':
          return `<p>${escapeHtml(b.text)}</p>`;
        case 'verdict':
          return `<p class="verdict ${b.ok === null ? 'none' : b.ok ? 'ok' : 'bad'}">${escapeHtml(b.text)}</p>`;
        case 'fields':
          return `<dl>${b.rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
        case 'list':
          return `<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
        case 'table':
          return `<table><thead><tr>${b.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${b.rows
            .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
            .join('')}</tbody></table>`;
        case 'code':
          return `<pre><code>${escapeHtml(b.text)}</code></pre>`;
      }
    })
    .join('\n');
  // Self-contained: inline style only, no scripts, no external resources; the CSP says so too.
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body>
${body}
</body></html>
`;
}
