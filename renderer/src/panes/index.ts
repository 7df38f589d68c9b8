import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { PaneId } from '../store/app';

export interface PaneDef {
  id: PaneId;
  label: string;
  /** One-letter icon glyph for the sidebar. */
  glyph: string;
  /** Panes load on first visit, so the shell paints fast and Monaco/recharts come only when needed. */
  component: LazyExoticComponent<ComponentType>;
}

export const PANES: PaneDef[] = [
  { id: 'incident', label: 'Incident', glyph: '◉', component: lazy(() => import('./IncidentPane')) },
  { id: 'environment', label: 'Environment', glyph: '▣', component: lazy(() => import('./EnvironmentPane')) },
  { id: 'replay', label: 'Replay', glyph: '⟲', component: lazy(() => import('./ReplayPane')) },
  { id: 'traces', label: 'Traces', glyph: '≡', component: lazy(() => import('./TracesPane')) },
  { id: 'logs', label: 'Logs', glyph: '☰', component: lazy(() => import('./LogsPane')) },
  { id: 'metrics', label: 'Metrics', glyph: '∿', component: lazy(() => import('./MetricsPane')) },
  { id: 'runbook', label: 'Runbook', glyph: '▶', component: lazy(() => import('./RunbookPane')) },
  { id: 'record', label: 'Record', glyph: '✎', component: lazy(() => import('./RecordPane')) },
  { id: 'capture', label: 'Capture', glyph: '⤓', component: lazy(() => import('./CapturePane')) },
  { id: 'gameday', label: 'Game day', glyph: '⚡', component: lazy(() => import('./GamedayPane')) },
];
