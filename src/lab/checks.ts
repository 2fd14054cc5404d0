'use client';
// Running a step's check through the guest agent (never in the learner's terminal) and recording
// the outcome: passed steps in the persisted progress store, the rest in the check store.
import type { LessonStep } from './lessons.ts';
import { lab, type LabClient } from './lab-client.ts';
import { checkKey, useCheckStore } from './check-store.ts';
import { progressStore } from './progress.ts';

const CHECK_TIMEOUT_MS = 120_000;

/** What a check needs of the lab (the page's client unless a test passes another). */
export type CheckRunner = Pick<LabClient, 'whenReady' | 'exec'>;

/** One check; true when it passed. `quiet`: a failure keeps showing "checking" (more tries follow). */
export async function runCheck(lesson: string, step: Pick<LessonStep, 'id' | 'check'>, quiet = false, runner: CheckRunner = lab): Promise<boolean> {
  const key = checkKey(lesson, step.id);
  const { setCheck } = useCheckStore.getState();
  setCheck(key, { state: 'checking' });
  try {
    await runner.whenReady(); // rejects if the lab fails meanwhile, so the check never stays "checking"
    const r = await runner.exec(step.check, CHECK_TIMEOUT_MS);
    if (r.exitCode === 0) {
      progressStore.getState().markPassed(lesson, step.id);
      setCheck(key, null);
      return true;
    }
    if (quiet) return false;
    const output = [r.stdout, r.stderr].filter(Boolean).join('\n').trim();
    setCheck(key, { state: 'failed', output: `exit status ${r.exitCode}${output ? `\n${output}` : ''}` });
  } catch (e) {
    if (quiet) return false;
    setCheck(key, { state: 'failed', output: (e as Error).message });
  }
  return false;
}

const watching = new Map<string, number>();

/**
 * After Run typed a step's command: check until it passes, for as long as a slow command may
 * take. A newer Run of the same step replaces the older watch.
 */
export async function watchStep(lesson: string, step: Pick<LessonStep, 'id' | 'check'>, forMs = 180_000, runner: CheckRunner = lab): Promise<boolean> {
  const key = checkKey(lesson, step.id);
  const token = (watching.get(key) ?? 0) + 1;
  watching.set(key, token);
  const until = Date.now() + forMs;
  await new Promise((r) => setTimeout(r, 1500)); // let the command start
  while (watching.get(key) === token) {
    const last = Date.now() > until;
    if (await runCheck(lesson, step, !last, runner)) return true;
    if (last) return false;
    await new Promise((r) => setTimeout(r, 3000));
  }
  return false;
}
