'use client';
// Running a step's check through the guest agent (never in the learner's terminal) and recording
// the outcome: passed steps in the persisted progress store, the rest in the check store.
import type { LessonStep } from '../content/lessons.ts';
import { lab, type LabClient } from './lab-client.ts';
import { checkScript } from './lesson-format.ts';
import { outcomeOf } from './check-messages.ts';
import { checkKey, useCheckStore } from './check-store.ts';
import { progressStore } from './progress.ts';

export const CHECK_TIMEOUT_MS = 120_000;

/** What a check needs of the lab (the page's client unless a test passes another). */
export type CheckRunner = Pick<LabClient, 'whenReady' | 'exec'>;
/** What watching a step needs: a check runner that also knows when a typed command ended. */
export type WatchRunner = CheckRunner & Pick<LabClient, 'nextCommandEnd'>;

/** One check; true when it passed. `quiet`: a failure keeps showing "checking" (more tries follow). */
export async function runCheck(lesson: string, step: Pick<LessonStep, 'id' | 'check'>, quiet = false, runner: CheckRunner = lab): Promise<boolean> {
  const key = checkKey(lesson, step.id);
  const { setCheck } = useCheckStore.getState();
  setCheck(key, { state: 'checking' });
  try {
    await runner.whenReady(); // rejects if the lab fails meanwhile, so the check never stays "checking"
    const r = await runner.exec(checkScript(step.check), CHECK_TIMEOUT_MS);
    if (r.exitCode === 0) {
      progressStore.getState().markPassed(lesson, step.id);
      setCheck(key, null);
      return true;
    }
    if (quiet) return false;
    setCheck(key, { state: 'failed', outcome: outcomeOf(r.exitCode, r.stdout, r.stderr) });
  } catch (e) {
    if (quiet) return false;
    // A timed-out check is named by what the learner sees (the step), not by the script with its helpers.
    const err = e as { code?: string; message?: string };
    setCheck(key, { state: 'failed', outcome: err.code === 'exec-timeout' ? { kind: 'timeout', seconds: CHECK_TIMEOUT_MS / 1000 } : { kind: 'error', code: err.code, message: err.message ?? String(e) } });
  }
  return false;
}

const watching = new Map<string, number>();

/**
 * After Run typed a step's commands: check once, when the console's shell marks the end of the
 * command (or after `forMs` if no end mark comes: a command still running, a shell of the
 * learner's own). A newer Run of the same step replaces the older watch.
 */
export async function watchStep(lesson: string, step: Pick<LessonStep, 'id' | 'check'>, forMs = 180_000, runner: WatchRunner = lab): Promise<boolean> {
  const key = checkKey(lesson, step.id);
  const token = (watching.get(key) ?? 0) + 1;
  watching.set(key, token);
  useCheckStore.getState().setCheck(key, { state: 'running' });
  await runner.nextCommandEnd(forMs);
  if (watching.get(key) !== token) return false;
  return runCheck(lesson, step, false, runner);
}
