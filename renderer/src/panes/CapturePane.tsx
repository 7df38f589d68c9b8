import { useEffect } from 'react';
import { useCapture } from '../store/capture';
import { PlanView } from './capture/PlanView';
import { RunView } from './capture/RunView';
import { SourcesView } from './capture/SourcesView';
import './capture/capture.css';

/**
 * Capture: turn running compose projects or containers into a verified bundle. Tick what to
 * capture, review what will be taken (env vars taken for secrets, with the reason, can be
 * flipped), capture with progress for images and snapshots, and the new bundle opens.
 */
export default function CapturePane() {
  const { run, plan, loadSources, startOver } = useCapture();
  useEffect(() => {
    void loadSources();
  }, [loadSources]);

  return (
    <section className="pane capture-pane" aria-labelledby="pane-title">
      <div className="capture-toolbar">
        <h1 id="pane-title">Capture</h1>
        {(plan || run) && !run?.running && (
          <button type="button" onClick={() => startOver()}>
            Start over
          </button>
        )}
      </div>
      <p className="muted capture-intro">
        Make an incident bundle from what is running now: each container described from the engine, images saved by id, volumes
        snapshotted, secrets taken out of the env (names only in the bundle), then checked by a full verification (and signed, if you give a key).
      </p>
      {run ? <RunView /> : plan ? <PlanView /> : <SourcesView />}
    </section>
  );
}
