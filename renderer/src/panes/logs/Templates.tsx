import { useLogs } from '../../store/logs';

/** Templates of the lines the other filters keep, most frequent first; a click keeps only that template. */
export function TemplateTable() {
  const { templates, templatesTotal, filter, setFilter, status } = useLogs();
  return (
    <div className="logs-templates" role="region" aria-label="Templates">
      <table>
        <caption className="small muted" style={{ textAlign: 'left', padding: '4px 6px' }}>
          {templatesTotal.toLocaleString('en')} templates{status?.loading ? ' (so far)' : ''}
          {filter.template !== undefined && (
            <>
              {' · '}
              <button type="button" className="link" onClick={() => setFilter({ template: undefined })}>
                show all templates
              </button>
            </>
          )}
        </caption>
        <thead>
          <tr>
            <th scope="col">Lines</th>
            <th scope="col">Template</th>
          </tr>
        </thead>
        <tbody>
          {templates.map((t) => (
            <tr key={t.id} className={filter.template === t.id ? 'active' : ''}>
              <td className="count">
                {t.count.toLocaleString('en')}
                {(t.levels.error ?? 0) + (t.levels.fatal ?? 0) > 0 && <div className="lvl lvl-error">{(t.levels.error ?? 0) + (t.levels.fatal ?? 0)} err</div>}
              </td>
              <td>
                <button type="button" className="link" aria-pressed={filter.template === t.id} title={`#${t.id} · ${Object.keys(t.services).join(', ')}`} onClick={() => setFilter({ template: filter.template === t.id ? undefined : t.id })}>
                  {t.text || '(empty message)'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
