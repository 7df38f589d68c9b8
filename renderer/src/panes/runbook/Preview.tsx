import DOMPurify from 'dompurify';
import { marked } from 'marked';
import type { RunbookBlock, RunbookStep } from '../../../../shared/runbook';
import type { StepState } from '../../store/runbook';
import { StepCard } from './StepCard';

// Our own sanitizer instance, so its link hook does not change DOMPurify for other panes.
const purify = DOMPurify(window);
purify.addHook('afterSanitizeAttributes', (node) => {
  // A link in a runbook must not navigate the workbench itself away.
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

function renderProse(markdown: string): string {
  // Bundles may be hostile: the preview is sanitized, with no scripts, handlers or remote loads.
  const html = marked.parse(markdown, { async: false, gfm: true });
  return purify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'img', 'iframe', 'form', 'input'], FORBID_ATTR: ['style'] });
}

/** The runbook as it reads, each step a card with its run state inline. */
export function Preview(props: { blocks: RunbookBlock[]; steps: Record<number, StepState>; canRun: boolean; onRun(step: RunbookStep): void; onReveal(step: RunbookStep): void }) {
  return (
    <div className="runbook-preview" role="region" aria-label="Runbook preview">
      {props.blocks.map((b, i) =>
        b.type === 'prose' ? (
          <div key={`p${i}`} className="runbook-prose" dangerouslySetInnerHTML={{ __html: renderProse(b.markdown) }} />
        ) : (
          <StepCard
            key={`s${b.step.index}`}
            step={b.step}
            state={props.steps[b.step.index]?.body === b.step.body ? props.steps[b.step.index] : undefined}
            canRun={props.canRun}
            onRun={() => props.onRun(b.step)}
            onReveal={() => props.onReveal(b.step)}
          />
        ),
      )}
    </div>
  );
}
