import type { logsMethods } from '../../../shared/api/methods/logs';
import { WorkbenchError } from '../../../shared/api/errors';
import { bundleMoments, closeLogs, getLogs, lineDetail, openLogs, statusOf } from '../../services/logs/open-logs';
import { compareLogSources, openLogSource, sessionLogSource } from '../../services/logs/source';
import { recordLogComparison } from '../../services/logs/record';
import { settleVerdictQuietly } from './verdict';
import { getOpenBundle } from '../../services/open-bundles';
import type { HandlerMap } from './types';

export const logsHandlers: HandlerMap<keyof typeof logsMethods> = {
  'logs.open': async ({ source, reload }, { wb, signal, progress, detail }) =>
    openLogs(wb, source, {
      ...(reload ? { reload } : {}),
      signal,
      onProgress: (status) => {
        detail(status);
        progress({ label: `Reading ${status.label} (${status.lines.toLocaleString('en')} lines)`, done: status.bytesRead, ...(status.totalBytes ? { total: status.totalBytes } : {}), unit: 'bytes' });
      },
    }),
  'logs.status': async ({ id }, { wb }) => statusOf(getLogs(wb, id)),
  'logs.query': async ({ id, filter, offset, limit }, { wb }) => {
    const o = getLogs(wb, id);
    let rows;
    try {
      rows = o.store.select(filter);
    } catch (err) {
      throw new WorkbenchError('invalid_argument', `bad filter: ${(err as Error).message}`);
    }
    const out = [];
    for (let k = offset; k < Math.min(rows.length, offset + limit); k++) out.push(o.store.row(rows[k]!));
    return { total: rows.length, offset, rows: out, status: statusOf(o) };
  },
  'logs.histogram': async ({ id, filter, bins }, { wb }) => {
    const o = getLogs(wb, id);
    // the histogram spans the whole time range; the time filter is what the brush shows on it
    const { from: _from, to: _to, ...rest } = filter;
    return o.store.histogram(o.store.select(rest), bins);
  },
  'logs.templates': async ({ id, filter, limit }, { wb }) => {
    const o = getLogs(wb, id);
    const { template: _t, ...rest } = filter;
    const all = o.store.templateRows(o.store.select(rest));
    return { templates: all.slice(0, limit), total: all.length };
  },
  'logs.line': async ({ id, index }, { wb }) => lineDetail(getLogs(wb, id), index),
  'logs.close': async ({ id }, { wb }) => ({ closed: closeLogs(wb, id) }),
  'logs.moments': async ({ handle }, { wb }) => bundleMoments(wb, handle),
  'logs.compare': async ({ handle, session }, { wb, emit, signal, progress }) => {
    const bundle = getOpenBundle(wb, handle);
    const incident = await openLogSource(bundle.root, wb);
    const result = await compareLogSources(incident, sessionLogSource(session, wb), {
      signal,
      onStage: (stage, p) => progress({ label: `Comparing logs: reading the ${stage === 'incident' ? 'incident' : 'reproduction'} (${p.lines} lines)`, done: p.bytes, ...(p.totalBytes ? { total: p.totalBytes } : {}), unit: 'bytes' }),
    });
    const recordEvent = await recordLogComparison(wb, session, bundle.source, result);
    if (recordEvent !== undefined) {
      emit('recordChanged', { session, kind: 'logs' });
      await settleVerdictQuietly(wb, session, emit); // the comparison is the verdict's logs evidence
    }
    return { ...result, ...(recordEvent !== undefined ? { recordEvent } : {}) };
  },
};
