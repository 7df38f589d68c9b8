import { useEffect, useRef, useState } from 'react';
import type * as Monaco from 'monaco-editor/editor/editor.api';

type MonacoModule = typeof import('./monaco');
let loading: Promise<MonacoModule> | undefined;
/** Monaco is loaded on first use, so panes without an editor stay light. */
export function loadMonaco(): Promise<MonacoModule> {
  return (loading ??= import('./monaco'));
}

/** A problem to underline in the text (1-based positions), e.g. a schema violation found as you type. */
export interface EditorMarker {
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  message: string;
  severity?: 'error' | 'warning';
}

export interface EditorProps {
  value: string;
  language?: string; // 'markdown' | 'json' | 'yaml' | 'plaintext'
  /** Problems shown in the text, replaced whenever this changes. */
  markers?: EditorMarker[];
  readOnly?: boolean;
  onChange?: (value: string) => void;
  height?: number | string;
  ariaLabel?: string;
  /** Called once the editor exists (e.g. to add actions or read the selection). */
  onMount?: (editor: Monaco.editor.IStandaloneCodeEditor) => void;
  /**
   * Tab and Shift+Tab move focus out of the editor instead of typing (Monaco's tab focus mode).
   * With `onToggleTabMovesFocus`, Ctrl+M (Cmd+M) in the editor toggles it, in every language:
   * Monaco's own toggle lives in a contribution our Markdown editor does not load.
   */
  tabMovesFocus?: boolean;
  onToggleTabMovesFocus?: () => void;
}

/** The one wrapped Monaco code editor of the app. */
export function Editor({ value, language = 'plaintext', readOnly, onChange, height = 360, ariaLabel, onMount, markers, tabMovesFocus, onToggleTabMovesFocus }: EditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<Monaco.editor.IStandaloneCodeEditor | null>(null);
  const monacoRef = useRef<typeof Monaco | null>(null);
  const [ready, setReady] = useState(false);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  // Monaco loads asynchronously: the editor starts with the value of that moment, not of the first render.
  const valueRef = useRef(value);
  valueRef.current = value;
  const onToggleRef = useRef(onToggleTabMovesFocus);
  onToggleRef.current = onToggleTabMovesFocus;
  const [error, setError] = useState<string>();

  useEffect(() => {
    let disposed = false;
    void loadMonaco().then(({ monaco, monacoTheme }) => {
      if (disposed || !host.current) return;
      const editor = monaco.editor.create(host.current, {
        value: valueRef.current,
        language,
        readOnly,
        theme: monacoTheme(),
        automaticLayout: true,
        minimap: { enabled: false },
        wordWrap: 'on',
        scrollBeyondLastLine: false,
        fontSize: 13,
        ariaLabel: ariaLabel ?? 'Editor',
        tabFocusMode: Boolean(tabMovesFocus),
      });
      editor.onDidChangeModelContent(() => onChangeRef.current?.(editor.getValue()));
      if (onToggleRef.current) {
        editor.addAction({
          id: 'repro.toggleTabMovesFocus',
          label: 'Toggle Tab Key Moves Focus',
          keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyM],
          run: () => onToggleRef.current?.(),
        });
      }
      editorRef.current = editor;
      monacoRef.current = monaco;
      setReady(true);
      onMount?.(editor);
    }, (err: unknown) => setError(String(err)));
    return () => {
      disposed = true;
      editorRef.current?.getModel()?.dispose();
      editorRef.current?.dispose();
      editorRef.current = null;
    };
    // The editor is created once; value changes from outside are applied below.
  }, []);

  useEffect(() => {
    const editor = editorRef.current;
    if (editor && editor.getValue() !== value) editor.setValue(value);
  }, [value]);
  useEffect(() => {
    editorRef.current?.updateOptions({ readOnly });
  }, [readOnly]);
  useEffect(() => {
    const model = editorRef.current?.getModel();
    const monaco = monacoRef.current;
    if (!model || !monaco || !markers) return;
    monaco.editor.setModelMarkers(
      model,
      'repro',
      markers.map((m) => ({
        startLineNumber: m.line,
        startColumn: m.column,
        endLineNumber: m.endLine ?? m.line,
        // an empty range would not show: underline at least one character
        endColumn: Math.max(m.endColumn ?? m.column + 1, (m.endLine ?? m.line) === m.line ? m.column + 1 : 1),
        message: m.message,
        severity: m.severity === 'warning' ? monaco.MarkerSeverity.Warning : monaco.MarkerSeverity.Error,
      })),
    );
  }, [markers, ready, value]);
  useEffect(() => {
    editorRef.current?.updateOptions({ tabFocusMode: Boolean(tabMovesFocus), ...(ariaLabel ? { ariaLabel } : {}) });
  }, [tabMovesFocus, ariaLabel]);

  if (error) return <p className="error">Editor failed to load: {error}</p>;
  return <div ref={host} className="editor-host" style={{ height, border: '1px solid var(--border)', borderRadius: 6 }} />;
}

export interface DiffEditorProps {
  original: string;
  modified: string;
  language?: string;
  height?: number | string;
  originalLabel?: string;
  modifiedLabel?: string;
}

/** The one wrapped Monaco diff editor (read-only): recorded vs replayed bodies, runbook versions. */
export function DiffEditor({ original, modified, language = 'plaintext', height = 360, originalLabel, modifiedLabel }: DiffEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const state = useRef<{ editor: Monaco.editor.IStandaloneDiffEditor; monaco: typeof Monaco; stopThemeWatch: () => void } | null>(null);
  const texts = useRef({ original, modified, language });
  texts.current = { original, modified, language };

  useEffect(() => {
    let disposed = false;
    void loadMonaco().then(({ monaco, monacoTheme, onMonacoThemeChange }) => {
      if (disposed || !host.current) return;
      const editor = monaco.editor.createDiffEditor(host.current, {
        readOnly: true,
        theme: monacoTheme(),
        automaticLayout: true,
        renderSideBySide: true,
        minimap: { enabled: false },
        scrollBeyondLastLine: false,
        fontSize: 12,
      });
      // Each side's input is named (axe: aria-input-field-name). Monaco's originalAriaLabel and
      // modifiedAriaLabel are lost on its next options update (it recomputes the label from the
      // changed options only, e.g. when the view goes inline on a narrow window), so each side
      // takes its name back whenever its options change.
      const name = (side: Monaco.editor.ICodeEditor, label: string) => {
        const apply = () => {
          if (side.getOption(monaco.editor.EditorOption.ariaLabel) !== label) side.updateOptions({ ariaLabel: label });
        };
        apply();
        side.onDidChangeConfiguration(apply);
      };
      name(editor.getOriginalEditor(), `${originalLabel ?? 'Original'} (read only)`);
      name(editor.getModifiedEditor(), `${modifiedLabel ?? 'Modified'} (read only)`);
      // Fresh models after a theme change: the diff, and its inline deleted lines, are drawn anew
      // with the new theme's token classes (see onMonacoThemeChange).
      const stopThemeWatch = onMonacoThemeChange(() => showTexts());
      state.current = { editor, monaco, stopThemeWatch };
      showTexts();
    });
    return () => {
      disposed = true;
      const model = state.current?.editor.getModel();
      state.current?.stopThemeWatch();
      state.current?.editor.dispose();
      model?.original.dispose();
      model?.modified.dispose();
      state.current = null;
    };
  }, []);

  /** Shows the current texts in new models, and disposes of the models they replace. */
  function showTexts() {
    const s = state.current;
    if (!s) return;
    const { original, modified, language } = texts.current;
    const old = s.editor.getModel();
    s.editor.setModel({ original: s.monaco.editor.createModel(original, language), modified: s.monaco.editor.createModel(modified, language) });
    old?.original.dispose();
    old?.modified.dispose();
  }

  useEffect(showTexts, [original, modified, language]);

  return (
    <div>
      {(originalLabel || modifiedLabel) && (
        <div className="diff-labels small muted" style={{ display: 'flex' }}>
          <span style={{ flex: 1 }}>{originalLabel}</span>
          <span style={{ flex: 1 }}>{modifiedLabel}</span>
        </div>
      )}
      <div ref={host} className="editor-host" style={{ height, border: '1px solid var(--border)', borderRadius: 6 }} />
    </div>
  );
}
