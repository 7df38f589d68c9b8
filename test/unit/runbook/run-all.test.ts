import { describe, expect, it } from 'vitest';
import { parseRunbook, runSteps, type StepOutcome } from '../../../shared/runbook';

function runbook(...blocks: string[]) {
  return parseRunbook(blocks.join('\n\n')).steps;
}

describe('runSteps', () => {
  it('runs every step in order and passes outcomes to expectations', async () => {
    const steps = runbook('```sh {service=a}\necho hi\n```', '```expect\ncontains "hi"\n```', '```http\nGET http://a/x\n```', '```expect\nstatus 200\n```');
    const ran: number[] = [];
    const result = await runSteps(steps, {
      execute: async (s): Promise<StepOutcome> => {
        ran.push(s.index);
        return s.kind === 'sh' ? { exitCode: 0, output: 'hi\n' } : { exitCode: 0, status: 200, output: 'ok' };
      },
    });
    expect(ran).toEqual([0, 2]);
    expect(result.ok).toBe(true);
    expect(result.steps.map((s) => [s.kind, s.ok])).toEqual([['sh', true], ['expect', true], ['http', true], ['expect', true]]);
    expect(result.steps[0]).toMatchObject({ service: 'a', exitCode: 0, output: 'hi\n' });
  });

  it('stops at the first failed expectation', async () => {
    const steps = runbook('```sh {service=a}\nfalse\n```', '```expect\nexit 0\n```', '```sh {service=a}\necho never\n```');
    let calls = 0;
    const result = await runSteps(steps, { execute: async () => (calls++, { exitCode: 1, output: '' }) });
    expect(calls).toBe(1);
    expect(result).toMatchObject({ ok: false, stoppedAt: 1 });
    expect(result.steps).toHaveLength(2);
    expect(result.steps[1]!.expectation!.results[0]!.message).toBe('expected exit code 0, got 1');
  });

  it('a step followed by an expectation is judged by it; one without must succeed', async () => {
    const judged = runbook('```sh {service=a}\nexit 3\n```', '```expect\nexit 3\n```');
    expect((await runSteps(judged, { execute: async () => ({ exitCode: 3, output: '' }) })).ok).toBe(true);
    const unjudged = runbook('```sh {service=a}\nexit 3\n```', '```sh {service=a}\necho\n```');
    expect(await runSteps(unjudged, { execute: async () => ({ exitCode: 3, output: '' }) })).toMatchObject({ ok: false, stoppedAt: 0 });
  });

  it('stops on steps with problems, runner errors and expectations with nothing before them', async () => {
    expect(await runSteps(runbook('```expect\nstatus 200\n```'), { execute: async () => ({ exitCode: 0, output: '' }) })).toMatchObject({
      ok: false,
      steps: [{ error: expect.stringContaining('no earlier step') }],
    });
    expect(await runSteps(runbook('```sh {service=a b=c}\nls\n```'), { execute: async () => ({ exitCode: 0, output: '' }) })).toMatchObject({ ok: false, steps: [{ exitCode: 2 }] });
    expect(
      await runSteps(runbook('```http\nGET http://a/\n```', '```expect\nstatus 200\n```'), {
        execute: async () => {
          throw new Error('connection refused');
        },
      }),
    ).toMatchObject({ ok: false, stoppedAt: 0, steps: [{ error: 'connection refused' }] });
  });

  it('can start in the middle with a previous outcome', async () => {
    const steps = runbook('```http\nGET http://a/\n```', '```expect\nstatus 404\n```');
    const r = await runSteps(steps, { from: 1, previous: { kind: 'http', outcome: { exitCode: 0, status: 404, output: '' } }, execute: async () => ({ exitCode: 0, output: '' }) });
    expect(r).toMatchObject({ ok: true, steps: [{ index: 1, ok: true }] });
  });
});
