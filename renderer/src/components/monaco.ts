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

/** Follow the OS theme like the rest of the app. */
export function monacoTheme(): 'vs' | 'vs-dark' {
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'vs-dark' : 'vs';
}

export { monaco };
