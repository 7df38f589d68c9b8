/**
 * The Capture pane's server state: what can be captured, the plan of the ticked selection (env
 * vars with their secret decision), the user's flips, and the run with its progress. Lives
 * outside the pane, so switching panes mid-capture loses nothing.
 */
import { create } from 'zustand';
import type { ProgressEvent } from '../../../shared/api/events';
import type { CapturePlan, CaptureReport, CaptureSources } from '../../../shared/api/methods/capture';
import type { CaptureSelection } from '../../../shared/capture/report';
import { api, runOperation } from '../api';
import { useApp } from './app';

export interface CaptureForm {
  incidentId: string;
  title: string;
  severity: string;
  out: string;
  /** Optional: an Ed25519 private key file (from repro keygen) to sign with. */
  signKey: string;
  pauseForSnapshots: boolean;
  logs: boolean;
}

interface CaptureRun {
  /** The operation id (op.cancel stops it). */
  opId?: string;
  running: boolean;
  cancel?: () => Promise<boolean>;
  /** Every task of this run, finished ones included (the app store drops finished tasks). */
  tasks: Record<string, ProgressEvent>;
  report?: CaptureReport;
  error?: string;
}

interface CaptureState {
  sources?: CaptureSources & { outDir: string };
  loadingSources: boolean;
  sourcesError?: string;
  /** One project, or any number of containers (by id). */
  project?: string;
  containers: string[];
  plan?: CapturePlan;
  planning: boolean;
  planError?: string;
  /** Names flipped by the user: always secret / never secret. */
  secret: string[];
  keep: string[];
  form: CaptureForm;
  run?: CaptureRun;
  loadSources(): Promise<void>;
  toggleProject(name: string): void;
  toggleContainer(id: string): void;
  review(): Promise<void>;
  /** Flip one env var: secret <-> kept; the plan is asked again so the reasons stay the backend's. */
  flipSecret(name: string, nowSecret: boolean): Promise<void>;
  setForm(patch: Partial<CaptureForm>): void;
  capture(): Promise<void>;
  startOver(): void;
}

function selection(s: Pick<CaptureState, 'project' | 'containers'>): CaptureSelection | undefined {
  if (s.project) return { project: s.project };
  return s.containers.length ? { containers: s.containers } : undefined;
}

function stamp(): string {
  return new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}

function suggestedOut(outDir: string | undefined, name: string): string {
  const base = (outDir ?? '').replace(/\/+$/, '');
  return base ? `${base}/${name.replace(/[^A-Za-z0-9._-]+/g, '-')}-${stamp()}` : '';
}

const emptyForm: CaptureForm = { incidentId: '', title: '', severity: 'SEV3', out: '', signKey: '', pauseForSnapshots: false, logs: true };

export const useCapture = create<CaptureState>((set, get) => ({
  loadingSources: false,
  containers: [],
  planning: false,
  secret: [],
  keep: [],
  form: emptyForm,
  loadSources: async () => {
    set({ loadingSources: true, sourcesError: undefined });
    try {
      const sources = await api.call('capture.sources', {});
      const { project, containers } = get();
      // Keep only ticks that still exist.
      set({
        sources,
        loadingSources: false,
        project: project && sources.projects.some((p) => p.name === project) ? project : undefined,
        containers: containers.filter((id) => sources.containers.some((c) => c.id === id) || sources.projects.some((p) => p.containers.some((c) => c.id === id))),
      });
    } catch (err) {
      set({ loadingSources: false, sourcesError: (err as Error).message });
    }
  },
  toggleProject: (name) => set((s) => ({ project: s.project === name ? undefined : name, containers: [], plan: undefined, planError: undefined })),
  toggleContainer: (id) =>
    set((s) => ({ project: undefined, containers: s.containers.includes(id) ? s.containers.filter((c) => c !== id) : [...s.containers, id], plan: undefined, planError: undefined })),
  review: async () => {
    const sel = selection(get());
    if (!sel) return;
    set({ planning: true, planError: undefined });
    const { secret, keep } = get();
    try {
      const plan = await api.call('capture.plan', { selection: sel, overrides: { secret, keep } });
      const name = 'project' in sel ? sel.project : plan.services.map((s) => s.name).join('-');
      set((s) => ({
        plan,
        planning: false,
        form: {
          ...s.form,
          out: s.form.out || suggestedOut(s.sources?.outDir, name),
          title: s.form.title || ('project' in sel ? `Capture of ${sel.project}` : `Capture of ${plan.services.map((x) => x.name).join(', ')}`),
        },
      }));
    } catch (err) {
      set({ planning: false, planError: (err as Error).message });
    }
  },
  flipSecret: async (name, nowSecret) => {
    // Shown at once; the backend's plan (with its reason) follows.
    set((s) => ({
      secret: nowSecret ? s.secret.filter((n) => n !== name) : [...new Set([...s.secret, name])],
      keep: nowSecret ? [...new Set([...s.keep, name])] : s.keep.filter((n) => n !== name),
      plan: s.plan && {
        ...s.plan,
        services: s.plan.services.map((svc) => ({ ...svc, env: svc.env.map((e) => (e.name === name ? { ...e, secret: !nowSecret, reason: 'updating…' } : e)) })),
      },
    }));
    await get().review();
  },
  setForm: (patch) => set((s) => ({ form: { ...s.form, ...patch } })),
  capture: async () => {
    const sel = selection(get());
    const { form, secret, keep } = get();
    if (!sel || !form.out.trim() || get().run?.running) return;
    set({ run: { running: true, tasks: {} } });
    const running = runOperation(
      'capture.run',
      {
        selection: sel,
        out: form.out.trim(),
        overrides: { secret, keep },
        incident: { ...(form.incidentId.trim() ? { id: form.incidentId.trim() } : {}), ...(form.title.trim() ? { title: form.title.trim() } : {}), ...(form.severity.trim() ? { severity: form.severity.trim() } : {}) },
        ...(form.logs ? { logs: { services: 'all' as const } } : {}),
        pauseForSnapshots: form.pauseForSnapshots,
        ...(form.signKey.trim() ? { signKey: form.signKey.trim() } : {}),
      },
      // Every step's progress, the finished ones included: the pane shows the whole run.
      { onDetail: (p) => set((s) => (s.run?.opId === running.opId ? { run: { ...s.run, tasks: { ...s.run.tasks, [p.task]: p } } } : {})) },
    );
    set((s) => ({ run: { ...s.run!, opId: running.opId, cancel: running.cancel } }));
    try {
      const report = await running.result;
      set((s) => ({ run: { ...s.run!, running: false, report } }));
      // The new bundle opens (and is verified by the Incident pane) like any other.
      await useApp.getState().openBundle(report.bundle.path);
    } catch (err) {
      set((s) => ({ run: { ...s.run!, running: false, error: (err as Error).message } }));
    }
  },
  startOver: () => set({ plan: undefined, planError: undefined, run: undefined, secret: [], keep: [], project: undefined, containers: [], form: emptyForm }),
}));
