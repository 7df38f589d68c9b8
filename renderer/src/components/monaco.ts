/**
 * Monaco, loaded from our own bundle (never a CDN: the CSP forbids it and the app must work
 * offline). Only the editor core, Markdown, YAML and JSON are pulled in; workers are built by Vite
 * (`?worker`) and served from our origin. Import this module lazily (it is large).
 */
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/languages/definitions/markdown/register';
import 'monaco-editor/languages/definitions/yaml/register';
import 'monaco-editor/languages/features/json/register';
// The diff editor's breadcrumbs contribution needs the outline service; without it Monaco throws
// "depends on UNKNOWN service IOutlineModelService" when a diff editor is created.
import 'monaco-editor/editor/contrib/documentSymbols/browser/outlineModel';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/languages/features/json/json.worker?worker';

self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    return label === 'json' ? new JsonWorker() : new EditorWorker();
  },
};

/*
 * Monaco's own diff colours fail WCAG AA under its token colours (axe: #a31515 on #ffa3a3 is
 * 4.1:1, a JSON number #098658 on it 2.4:1). Our themes lay a lighter wash on changed lines and
 * characters (two layers of 10-12%), and darken the light theme's numbers, so every JSON token
 * keeps 4.5:1 on a changed line in both themes (docs/accessibility.md, Contrast). The number of a
 * text's final empty line is drawn "dimmed" (1.8:1 by default): ours is the ordinary line
 * number's colour.
 */
monaco.editor.defineTheme('repro-light', {
  base: 'vs',
  inherit: true,
  rules: [{ token: 'number', foreground: '09603f' }],
  colors: {
    'diffEditor.removedTextBackground': '#ff00001a',
    'diffEditor.removedLineBackground': '#ff00001a',
    'diffEditor.insertedTextBackground': '#9bb9551a',
    'diffEditor.insertedLineBackground': '#9bb9551a',
    'editorLineNumber.dimmedForeground': '#237893',
  },
});
monaco.editor.defineTheme('repro-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: [],
  colors: {
    'diffEditor.removedTextBackground': '#ff00001a',
    'diffEditor.removedLineBackground': '#ff00001a',
    'diffEditor.insertedTextBackground': '#0080001f',
    'diffEditor.insertedLineBackground': '#0080001f',
    'editorLineNumber.dimmedForeground': '#858585',
  },
});

const dark = window.matchMedia?.('(prefers-color-scheme: dark)');

/** Follow the OS theme like the rest of the app. */
export function monacoTheme(): 'repro-light' | 'repro-dark' {
  return dark?.matches ? 'repro-dark' : 'repro-light';
}

const themeListeners = new Set<() => void>();

/**
 * Called after Monaco took a new theme. The diff editor needs it: its inline view of deleted lines
 * is rendered once with the token classes of the theme of that moment and is redrawn only when
 * the original text's tokenization completes anew, which a theme change does not always cause;
 * the old classes then point into the new theme's colour map (axe caught a light theme's token
 * class drawn in a dark theme's colour at 3.2:1).
 */
export function onMonacoThemeChange(listener: () => void): () => void {
  themeListeners.add(listener);
  return () => themeListeners.delete(listener);
}

// Monaco's theme is global: every editor follows when the OS theme changes.
dark?.addEventListener?.('change', () => {
  monaco.editor.setTheme(monacoTheme());
  for (const listener of themeListeners) listener();
});

export { monaco };
