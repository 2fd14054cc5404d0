// The trainer's export: one row per learner and step of the course (RFC 4180, CRLF), so a
// spreadsheet can pivot it. Every step is listed, done or not, so "not started" is visible too.
import type { Room } from './room.ts';

export const CSV_COLUMNS = ['learner_id', 'name', 'joined_at', 'lesson', 'step', 'kind', 'state', 'passed_at', 'failed_checks', 'last_failed_at', 'current'] as const;

/** Quotes a cell when needed, and defuses text a spreadsheet would run as a formula (a learner picks their name). */
export function csvCell(value: string | number | null | undefined): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const iso = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString());

export function progressCsv(room: Room, now: number, stuckAfterMs: number): string {
  const view = room.view(now, stuckAfterMs);
  const rows: string[] = [CSV_COLUMNS.join(',')];
  for (const l of view.learners) {
    for (const lesson of view.course.lessons) {
      for (const step of lesson.steps) {
        const r = l.steps[lesson.id]?.[step.id];
        const state = r?.passedAt !== undefined ? 'passed' : r?.failures ? 'failed' : 'not-started';
        const current = l.currentLesson === lesson.id && l.currentStep === step.id ? (l.stuck ? 'stuck' : 'yes') : '';
        rows.push(
          [l.id, l.name, iso(l.joinedAt), lesson.id, step.id, step.kind, state, iso(r?.passedAt), r?.failures ?? 0, iso(r?.lastFailedAt), current].map(csvCell).join(','),
        );
      }
    }
  }
  return `${rows.join('\r\n')}\r\n`;
}
