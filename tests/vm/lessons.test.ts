// Every lesson's steps, in the real machine: after the lesson's setup, each check fails before its
// step and passes after the step's commands ran (in order, as a learner would run them).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLab } from '../../src/vm/node.ts';
import type { LabMachine } from '../../src/vm/machine.ts';
import { loadLessons } from '../../src/lab/content.ts';

const lessons = loadLessons();

// A suite that finds nothing to run would pass while proving nothing.
test('the lessons have runnable steps', () => {
  assert.ok(lessons.length > 0, 'no lessons found in content/');
  const steps = lessons.reduce((n, l) => n + l.steps.length, 0);
  assert.ok(steps > 0, `found ${lessons.length} lesson(s) but no runnable steps in them`);
});

let lab: LabMachine;
before(async () => {
  lab = await startLab();
});
after(async () => {
  await lab?.destroy();
});

for (const lesson of lessons) {
  describe(`lesson "${lesson.title}"`, () => {
    before(async () => {
      await lab.reset();
      if (lesson.setup) {
        const r = await lab.exec(lesson.setup, { timeout: 180_000 });
        assert.equal(r.exitCode, 0, `setup exited ${r.exitCode}: ${r.stderr}`);
      }
    });
    for (const step of lesson.steps) {
      test(`step "${step.id}": the check fails before, passes after`, async () => {
        const before = await lab.exec(step.check, { timeout: 120_000 });
        assert.notEqual(before.exitCode, 0, `check passed before the step ran: ${step.check}`);
        for (const command of step.run) {
          const r = await lab.exec(command, { timeout: 180_000 });
          assert.equal(r.exitCode, 0, `\`${command}\` exited ${r.exitCode}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
        }
        const afterRun = await lab.exec(step.check, { timeout: 120_000 });
        assert.equal(afterRun.exitCode, 0, `check failed after the step: ${step.check}\n${afterRun.stdout}${afterRun.stderr}`);
      });
    }
  });
}
