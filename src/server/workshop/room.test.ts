import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Room, type WorkshopEvent } from './room.ts';
import { csvCell, progressCsv, CSV_COLUMNS } from './csv.ts';
import { RateLimiter } from './rate-limit.ts';
import type { Course } from './course.ts';

const COURSE: Course = {
  format: 1,
  lessons: [
    { id: 'one', titles: { en: 'One' }, steps: [{ id: 'a', kind: 'step', titles: { en: 'A' } }, { id: 'b', kind: 'step', titles: { en: 'B' } }, { id: 'q', kind: 'quiz' }] },
    { id: 'two', titles: { en: 'Two' }, steps: [{ id: 'c', kind: 'step', titles: { en: 'C' } }] },
  ],
};
const MIN = 60_000;
const join = (learnerId: string, name: string, at: number): WorkshopEvent => ({ type: 'join', learnerId, name, secretHash: `h-${learnerId}`, at });
const progress = (learnerId: string, lessonId: string, stepId: string | null, state: 'passed' | 'failed' | 'opened', receivedAt: number): WorkshopEvent => ({ type: 'progress', learnerId, lessonId, stepId, state, at: receivedAt, receivedAt });

test('the current step is the first not passed in the lesson the learner is on; stuck after the threshold without progress', () => {
  const room = new Room(COURSE);
  room.apply(join('l1', 'Ann', 0));
  room.apply(progress('l1', 'one', null, 'opened', 1 * MIN));
  room.apply(progress('l1', 'one', 'a', 'passed', 2 * MIN));
  // Failed checks do not count as progress: failing for 12 minutes is being stuck.
  room.apply(progress('l1', 'one', 'b', 'failed', 5 * MIN));
  room.apply(progress('l1', 'one', 'b', 'failed', 13 * MIN));
  let [ann] = room.view(11 * MIN, 10 * MIN).learners;
  assert.equal(ann.currentLesson, 'one');
  assert.equal(ann.currentStep, 'b');
  assert.equal(ann.idleMs, 9 * MIN);
  assert.equal(ann.stuck, false);
  [ann] = room.view(14 * MIN, 10 * MIN).learners;
  assert.equal(ann.stuck, true);
  assert.equal(ann.steps.one.b.failures, 2);
  assert.equal(room.learnerBySecretHash('h-l1')?.name, 'Ann');
  // Passing the step moves them on, and clears "stuck".
  room.apply(progress('l1', 'one', 'b', 'passed', 14 * MIN));
  [ann] = room.view(15 * MIN, 10 * MIN).learners;
  assert.equal(ann.currentStep, 'q');
  assert.equal(ann.stuck, false);
});

test('a finished lesson has no current step and is never stuck; an event for a lesson the site dropped is kept but has no column', () => {
  const room = new Room(COURSE);
  room.apply(join('l2', 'Ben', 0));
  room.apply(progress('l2', 'two', 'c', 'passed', MIN));
  room.apply(progress('l2', 'gone', 'x', 'passed', MIN));
  room.apply(progress('l2', 'two', null, 'opened', 2 * MIN));
  const [ben] = room.view(60 * MIN, 10 * MIN).learners;
  assert.equal(ben.currentStep, null);
  assert.equal(ben.stuck, false);
  assert.ok(ben.steps.gone.x.passedAt !== undefined);
});

test('changes(): a repeated pass or re-opening the same lesson changes nothing; events of unknown learners are ignored', () => {
  const room = new Room(COURSE);
  room.apply(join('l3', 'Cat', 0));
  const pass = progress('l3', 'one', 'a', 'passed', MIN);
  assert.equal(room.changes(pass), true);
  room.apply(pass);
  assert.equal(room.changes(pass), false);
  const open = progress('l3', 'two', null, 'opened', MIN);
  room.apply(open);
  assert.equal(room.changes(open), false);
  assert.equal(room.changes(progress('nobody', 'one', 'a', 'passed', MIN)), false);
  room.apply(progress('nobody', 'one', 'a', 'passed', MIN));
  assert.equal(room.learners.size, 1);
});

test('CSV: a row per learner and step, quoted where needed, formulas defused', () => {
  assert.equal(csvCell('plain'), 'plain');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('line\nbreak'), '"line\nbreak"');
  assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvCell('+1'), "'+1");
  assert.equal(csvCell('@me'), "'@me");
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(3), '3');

  const room = new Room(COURSE);
  room.apply(join('l4', '=cmd|"calc"', Date.UTC(2026, 0, 1)));
  room.apply(progress('l4', 'one', 'a', 'passed', Date.UTC(2026, 0, 1, 0, 5)));
  room.apply(progress('l4', 'one', 'b', 'failed', Date.UTC(2026, 0, 1, 0, 6)));
  const csv = progressCsv(room, Date.UTC(2026, 0, 1, 1), 10 * MIN);
  const lines = csv.split('\r\n');
  assert.equal(lines.at(-1), '', 'ends with CRLF');
  assert.equal(lines[0], CSV_COLUMNS.join(','));
  assert.equal(lines.length, 1 + 4 + 1, 'header, one row per step of the course, final newline');
  assert.equal(lines[1], `l4,"'=cmd|""calc""",2026-01-01T00:00:00.000Z,one,a,step,passed,2026-01-01T00:05:00.000Z,0,,`);
  assert.equal(lines[2], 'l4,"\'=cmd|""calc""",2026-01-01T00:00:00.000Z,one,b,step,failed,,1,2026-01-01T00:06:00.000Z,stuck');
  assert.equal(lines[3], 'l4,"\'=cmd|""calc""",2026-01-01T00:00:00.000Z,one,q,quiz,not-started,,0,,');
  assert.equal(lines[4], 'l4,"\'=cmd|""calc""",2026-01-01T00:00:00.000Z,two,c,step,not-started,,0,,');
});

test('rate limiter: a burst, then one token per interval, with the wait in whole seconds', () => {
  let now = 0;
  const limiter = new RateLimiter({ burst: 2, perSecond: 0.5 }, () => now);
  assert.equal(limiter.take('a'), 0);
  assert.equal(limiter.take('a'), 0);
  assert.equal(limiter.take('a'), 2);
  assert.equal(limiter.take('b'), 0, 'keys are separate');
  now = 1000;
  assert.equal(limiter.take('a'), 1, 'half a token back: one more second');
  now = 2000;
  assert.equal(limiter.take('a'), 0);
  now = 60_000;
  assert.equal(limiter.take('a'), 0);
  assert.equal(limiter.take('a'), 0);
  assert.equal(limiter.take('a'), 2, 'never more than the burst saved up');
});
