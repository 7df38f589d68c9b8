/**
 * The Logs pane's server state. The lines stay in the backend; this store holds the open
 * source's status, the filter, the window of rows on screen, the histogram, the template table
 * and the selected line's detail, and refreshes them as the backend reads (`update` events).
 */
import { create } from 'zustand';
import type { LogLineDetail, LogMoments, LogSourceRef, LogsStatus } from '../../../shared/api/methods/logs';
import type { Histogram, LogFilter, LogRow, TemplateRow } from '../../../shared/logs/store';
import { api, runOperation } from '../api';

export const PAGE = 200;
const BINS = 120;

interface LogsState {
  source?: LogSourceRef;
  id?: string;
  /** The logs.open operation while it reads (its progress bar is the app's task of this id). */
  opId?: string;
  status?: LogsStatus;
  error?: string;
  filter: LogFilter;
  /** Lines passing the filter. */
  total: number;
  /** Rows by position in the filtered list (only the pages someone scrolled to). */
  rows: Map<number, LogRow>;
  histogram?: Histogram;
  templates: TemplateRow[];
  templatesTotal: number;
  selected?: number;
  detail?: LogLineDetail;
  /** Bumped by each refresh so late answers of an older one are dropped. */
  generation: number;
  open(source: LogSourceRef, opts?: { reload?: boolean; filter?: LogFilter }): Promise<void>;
  setFilter(patch: Partial<LogFilter>, replace?: boolean): void;
  ensureRows(from: number, to: number): void;
  select(index: number | undefined): void;
  /** First error and error peak of a bundle's logs, by bundle handle (the incident timeline). */
  moments: Record<string, LogMoments>;
  loadMoments(handle: string): void;
  /** Opens the bundle's logs (if needed) filtered to one trace, or one span of it. */
  showTrace(bundleHandle: string, traceId: string, spanId?: string): Promise<void>;
}

const pending = new Set<number>();
let timer: ReturnType<typeof setTimeout> | undefined;

export const useLogs = create<LogsState>((set, get) => {
  async function loadPage(page: number, generation: number) {
    const { id, filter } = get();
    if (!id || pending.has(page)) return;
    pending.add(page);
    try {
      const r = await api.call('logs.query', { id, filter, offset: page * PAGE, limit: PAGE });
      if (get().generation !== generation) return;
      if (r.rows.length && get().rows.size === 0) performance.mark('logs:rows');
      const rows = new Map(get().rows);
      r.rows.forEach((row, k) => rows.set(page * PAGE + k, row));
      set({ rows, total: r.total, status: r.status, error: undefined });
    } catch (err) {
      if (get().generation === generation) set({ error: (err as Error).message });
    } finally {
      pending.delete(page);
    }
  }

  /**
   * Everything that depends on the filter, asked again (the first page first: it is what people
   * see). `light`: only the counts and the first page (while reading, lines only arrive at the end).
   */
  async function refresh(opts: { keepRows?: boolean; light?: boolean } = {}) {
    const { id, filter } = get();
    if (!id) return;
    const generation = get().generation + 1;
    pending.clear();
    set({ generation, ...(opts.keepRows ? {} : { rows: new Map() }) });
    await loadPage(0, generation);
    if (opts.light) return;
    const [histogram, templates] = await Promise.all([
      api.call('logs.histogram', { id, filter, bins: BINS }).catch(() => undefined),
      api.call('logs.templates', { id, filter, limit: 500 }).catch(() => undefined),
    ]);
    if (get().generation !== generation) return;
    set({ ...(histogram ? { histogram } : {}), ...(templates ? { templates: templates.templates, templatesTotal: templates.total } : {}) });
  }

  /**
   * A status from the reading backend. While it reads, the counts and the first page are asked
   * again about once a second and the histogram and templates every few seconds (each asks the
   * backend to go over every line read so far); once it is done, everything once more.
   */
  let lastFull = 0;
  function onStatus(status: LogsStatus) {
    const first = get().id !== status.id;
    set({ id: status.id, status });
    if (first) {
      performance.mark('logs:status');
      lastFull = Date.now();
      clearTimeout(timer);
      timer = undefined;
      void refresh();
      return;
    }
    if (!status.loading) {
      clearTimeout(timer);
      timer = undefined;
      void refresh({ keepRows: true });
      return;
    }
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      const full = Date.now() - lastFull > 4000;
      if (full) lastFull = Date.now();
      void refresh({ keepRows: true, light: !full });
    }, 1000);
  }

  return {
    filter: {},
    total: 0,
    rows: new Map(),
    templates: [],
    templatesTotal: 0,
    generation: 0,
    moments: {},
    loadMoments: (handle) => {
      if (get().moments[handle]) return;
      api.call('logs.moments', { handle }).then(
        (m) => set({ moments: { ...get().moments, [handle]: m } }),
        () => undefined,
      );
    },
    open: async (source, opts = {}) => {
      const previous = get().opId;
      if (previous) void api.call('op.cancel', { id: previous }).catch(() => undefined);
      set({ source, id: undefined, status: undefined, error: undefined, selected: undefined, detail: undefined, filter: opts.filter ?? {}, rows: new Map(), total: 0, histogram: undefined, templates: [] });
      performance.mark('logs:open');
      const run = runOperation('logs.open', { source, ...(opts.reload ? { reload: true } : {}) }, { onDetail: (status) => get().source === source && onStatus(status) });
      set({ opId: run.opId });
      try {
        const status = await run.result;
        if (get().source === source) onStatus(status);
      } catch (err) {
        if (get().source === source) set({ error: (err as Error).message });
      } finally {
        if (get().opId === run.opId) set({ opId: undefined });
      }
    },
    setFilter: (patch, replace) => {
      const filter = replace ? { ...patch } : { ...get().filter, ...patch };
      for (const k of Object.keys(filter) as Array<keyof LogFilter>) if (filter[k] === undefined || filter[k] === '' || (Array.isArray(filter[k]) && (filter[k] as unknown[]).length === 0)) delete filter[k];
      set({ filter });
      void refresh();
    },
    ensureRows: (from, to) => {
      const { rows, generation, total } = get();
      for (let page = Math.floor(from / PAGE); page <= Math.floor(Math.min(to, Math.max(0, total - 1)) / PAGE); page++) {
        if (!rows.has(page * PAGE)) void loadPage(page, generation);
      }
    },
    select: (index) => {
      set({ selected: index, detail: undefined });
      const { id } = get();
      if (index === undefined || !id) return;
      api.call('logs.line', { id, index }).then(
        (detail) => get().selected === index && set({ detail }),
        (err: Error) => set({ error: err.message }),
      );
    },
    showTrace: async (bundleHandle, traceId, spanId) => {
      const filter: LogFilter = { traceId, ...(spanId ? { spanId } : {}) };
      const s = get();
      if (s.source?.kind === 'bundle' && s.source.handle === bundleHandle && s.id) get().setFilter(filter, true);
      else await get().open({ kind: 'bundle', handle: bundleHandle }, { filter });
    },
  };
});
