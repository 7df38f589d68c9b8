import { useState } from 'react';
import type { TemplateRow } from '../../../../shared/logs/store';
import { VirtualGrid, type GridColumn } from '../../components/VirtualGrid';
import { useLogs } from '../../store/logs';

function errorCount(t: TemplateRow): number {
  return (t.levels.error ?? 0) + (t.levels.fatal ?? 0);
}

/**
 * Templates of the lines the other filters keep, most frequent first, as a grid (one tab stop,
 * arrows move, Enter or a click keeps only that template's lines, again shows all): up to 500
 * rows, so only those in view are rendered.
 */
export function TemplateTable() {
  const { templates, templatesTotal, filter, setFilter, status } = useLogs();
  // where the keyboard is in the grid (UI state; the filter itself is the store's)
  const [cursor, setCursor] = useState<number | undefined>(undefined);
  const toggle = (id: number) => setFilter({ template: filter.template === id ? undefined : id });
  const columns: GridColumn<TemplateRow>[] = [
    {
      key: 'count',
      header: 'Lines',
      width: '4.5rem',
      cellClass: () => 'count',
      cell: (t) => (
        <>
          {t.count.toLocaleString('en')}
          {errorCount(t) > 0 && <div className="lvl lvl-error">{errorCount(t)} err</div>}
        </>
      ),
    },
    {
      key: 'text',
      header: 'Template',
      width: 'minmax(0, 1fr)',
      cellClass: () => 'template-text',
      cellTitle: (t) => `#${t.id} · ${Object.keys(t.services).join(', ')}\n${t.text}`,
      cell: (t) => (
        <>
          {filter.template === t.id && <span className="sr-only">(kept only) </span>}
          {t.text || '(empty message)'}
        </>
      ),
    },
  ];
  return (
    <div className="logs-templates" role="region" aria-label="Templates">
      <p className="small muted logs-templates-head">
        {templatesTotal.toLocaleString('en')} templates{status?.loading ? ' (so far)' : ''}
        {filter.template !== undefined && (
          <>
            {' · '}
            <button type="button" className="link" onClick={() => setFilter({ template: undefined })}>
              show all templates
            </button>
          </>
        )}
      </p>
      <VirtualGrid
        label="Templates: Enter keeps only that template's lines"
        rows={templates}
        columns={columns}
        rowKey={(t) => t.id}
        selected={cursor ?? filter.template}
        onSelect={setCursor}
        onOpen={toggle}
        clickOpens
        rowHeight={40}
        rowClass={(t) => (filter.template === t.id ? 'active' : '')}
      />
    </div>
  );
}
