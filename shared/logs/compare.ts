/**
 * "Do the reproduction's logs say what the incident's said?" The incident's lines are mined
 * into templates; each of the reproduction's patterns is matched against them (same words,
 * variables anywhere the incident's template has one), and what matches nothing is mined on
 * its own. The answer: which of the incident's error templates the reproduction also wrote
 * (reproduced), which it did not (missing), and what it wrote that the incident never did
 * (new), each with its line counts on both sides. Pure and deterministic: the same lines give
 * the same result (a later verdict feature reads it as evidence).
 */
import { Level, levelName, type LevelCode } from './levels';
import { TemplateMiner } from './miner';
import type { LogRecord } from './record';

export interface ComparedTemplate {
  template: string;
  /** The incident's template id (as `repro logs <bundle> --patterns` numbers them), or null for a new one. */
  incidentId: number | null;
  /** The highest level any of its lines had, on either side. */
  level: string;
  incident: number;
  repro: number;
  services: string[];
}

export interface LogComparison {
  incident: { lines: number; templates: number; errorTemplates: number };
  repro: { lines: number; templates: number };
  /** Incident error templates the reproduction wrote too, most frequent in the incident first. */
  reproduced: ComparedTemplate[];
  /** Incident error templates the reproduction did not write. */
  missing: ComparedTemplate[];
  /** Templates only the reproduction wrote, errors first. */
  new: ComparedTemplate[];
  /** reproduced / (reproduced + missing), or null when the incident logged no error. */
  errorTemplatesReproduced: number | null;
}

interface PatternInfo {
  level: LevelCode;
  services: Set<string>;
}

function note(info: PatternInfo[], p: number, rec: Pick<LogRecord, 'level' | 'service'>) {
  const i = info[p];
  if (!i) info[p] = { level: rec.level, services: new Set(rec.service ? [rec.service] : []) };
  else {
    if (rec.level > i.level) i.level = rec.level;
    if (rec.service) i.services.add(rec.service);
  }
}

export class LogComparer {
  private readonly incident = new TemplateMiner();
  private readonly repro = new TemplateMiner();
  private readonly incidentInfo: PatternInfo[] = [];
  private readonly reproInfo: PatternInfo[] = [];

  addIncident(rec: Pick<LogRecord, 'msg' | 'level' | 'service'>): void {
    note(this.incidentInfo, this.incident.add(rec.msg), rec);
  }

  addRepro(rec: Pick<LogRecord, 'msg' | 'level' | 'service'>): void {
    note(this.reproInfo, this.repro.add(rec.msg), rec);
  }

  finish(): LogComparison {
    const model = this.incident.mine();
    const nt = model.templates.length;
    const level = new Uint8Array(nt);
    const services: Array<Set<string>> = model.templates.map(() => new Set());
    model.templateOfPattern.forEach((t, p) => {
      const info = this.incidentInfo[p]!;
      if (info.level > level[t]!) level[t] = info.level;
      for (const s of info.services) services[t]!.add(s);
    });
    const reproCount = new Array<number>(nt).fill(0);
    const reproLevel = new Uint8Array(nt);
    // Each reproduction pattern (its masked text) either fits an incident template or is new.
    const unmatched = new Set<number>();
    for (let p = 0; p < this.repro.patternCount; p++) {
      const t = model.match(this.repro.keys[p]!);
      if (t < 0) {
        unmatched.add(p);
        continue;
      }
      reproCount[t]! += this.repro.counts[p]!;
      const info = this.reproInfo[p]!;
      if (info.level > reproLevel[t]!) reproLevel[t] = info.level;
      for (const s of info.services) services[t]!.add(s);
    }
    const reproduced: ComparedTemplate[] = [];
    const missing: ComparedTemplate[] = [];
    for (let t = 0; t < nt; t++) {
      if (level[t]! < Level.error) continue;
      const row: ComparedTemplate = {
        template: model.templates[t]!.text,
        incidentId: t + 1,
        level: levelName(Math.max(level[t]!, reproLevel[t]!)),
        incident: model.templates[t]!.count,
        repro: reproCount[t]!,
        services: [...services[t]!].sort(),
      };
      (row.repro > 0 ? reproduced : missing).push(row);
    }
    // What only the reproduction said, grouped by its own templates.
    const reproModel = this.repro.mine();
    const fresh = new Map<number, ComparedTemplate>();
    for (const p of unmatched) {
      const t = reproModel.templateOfPattern[p]!;
      const info = this.reproInfo[p]!;
      let row = fresh.get(t);
      if (!row) fresh.set(t, (row = { template: reproModel.templates[t]!.text, incidentId: null, level: levelName(info.level), incident: 0, repro: 0, services: [] }));
      row.repro += this.repro.counts[p]!;
      if (levelRank(levelName(info.level)) > levelRank(row.level)) row.level = levelName(info.level);
      row.services = [...new Set([...row.services, ...info.services])].sort();
    }
    const byIncidentCount = (a: ComparedTemplate, b: ComparedTemplate) => b.incident - a.incident || (a.incidentId ?? 0) - (b.incidentId ?? 0);
    const newRows = [...fresh.values()].sort((a, b) => levelRank(b.level) - levelRank(a.level) || b.repro - a.repro || (a.template < b.template ? -1 : 1));
    const errorTemplates = reproduced.length + missing.length;
    return {
      incident: { lines: this.incident.lines, templates: nt, errorTemplates },
      repro: { lines: this.repro.lines, templates: nt - unmatchedTemplates(reproCount) + fresh.size },
      reproduced: reproduced.sort(byIncidentCount),
      missing: missing.sort(byIncidentCount),
      new: newRows,
      errorTemplatesReproduced: errorTemplates ? reproduced.length / errorTemplates : null,
    };
  }
}

function unmatchedTemplates(reproCount: number[]): number {
  return reproCount.filter((c) => c === 0).length;
}

const RANK: Record<string, number> = { unknown: 0, trace: 1, debug: 2, info: 3, warn: 4, error: 5, fatal: 6 };
function levelRank(name: string): number {
  return RANK[name] ?? 0;
}

/** Compare two lists of records at once (tests, small inputs). */
export function compareLogs(incident: Iterable<Pick<LogRecord, 'msg' | 'level' | 'service'>>, repro: Iterable<Pick<LogRecord, 'msg' | 'level' | 'service'>>): LogComparison {
  const c = new LogComparer();
  for (const r of incident) c.addIncident(r);
  for (const r of repro) c.addRepro(r);
  return c.finish();
}
