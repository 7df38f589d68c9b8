import { useMemo, useRef } from 'react';
import type * as Monaco from 'monaco-editor/editor/editor.api';
import { Editor, type EditorMarker } from '../../components/Editor';
import { CUSTOM_SCENARIO, useGameday } from '../../store/gameday';

/** The scenario in Monaco (YAML), checked as you type with the same schema the CLI and the runner use. */
export function ScenarioEditor({ running }: { running: boolean }) {
  const text = useGameday((s) => s.text);
  const problems = useGameday((s) => s.problems);
  const scenarios = useGameday((s) => s.scenarios.data) ?? [];
  // the bundle's scenarios are read through a session: none chosen yet is not "the bundle ships none"
  const scenariosRead = useGameday((s) => s.scenarios.data !== undefined);
  const scenarioName = useGameday((s) => s.scenarioName);
  const setText = useGameday((s) => s.setText);
  const selectScenario = useGameday((s) => s.selectScenario);
  const editor = useRef<Monaco.editor.IStandaloneCodeEditor | null>(null);
  const markers = useMemo<EditorMarker[]>(
    () => problems.filter((p) => p.line !== undefined).map((p) => ({ line: p.line!, column: p.column ?? 1, ...(p.endLine ? { endLine: p.endLine, endColumn: p.endColumn ?? 1 } : {}), message: `${p.path ? `${p.path}: ` : ''}${p.message}` })),
    [problems],
  );
  const reveal = (line?: number, column?: number) => {
    const ed = editor.current;
    if (!ed || line === undefined) return;
    ed.revealLineInCenter(line);
    ed.setPosition({ lineNumber: line, column: column ?? 1 });
    ed.focus();
  };
  return (
    <section className="gameday-panel gameday-editor" aria-labelledby="gameday-scenario-title">
      <div className="gameday-panel-head">
        <h2 id="gameday-scenario-title">Scenario</h2>
        <label className="small">
          From the bundle{' '}
          <select aria-label="Scenario file" value={scenarioName} disabled={running} onChange={(e) => selectScenario(e.target.value)}>
            {scenarios.map((s) => (
              <option key={s.name} value={s.name}>
                {s.path}
              </option>
            ))}
            <option value={CUSTOM_SCENARIO}>{scenarios.length ? 'edited / custom' : scenariosRead ? 'custom (the bundle ships none)' : 'custom (a session lists the bundle’s)'}</option>
          </select>
        </label>
      </div>
      <Editor value={text} language="yaml" onChange={setText} readOnly={running} markers={markers} height={420} ariaLabel="Game day scenario (YAML)" onMount={(ed) => (editor.current = ed)} />
      <div className="gameday-problems" role="status" aria-live="polite">
        {problems.length === 0 ? (
          <p className="ok small">✓ Valid repro.gameday/v1 scenario</p>
        ) : (
          <>
            <p className="error small">{problems.length} problem(s); the scenario cannot run until they are fixed:</p>
            <ul>
              {problems.map((p, i) => (
                <li key={i}>
                  <button type="button" className="link small" onClick={() => reveal(p.line, p.column)}>
                    {p.line !== undefined ? `line ${p.line}` : 'document'}
                  </button>{' '}
                  <code>{p.path || '(document)'}</code> {p.message}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}
