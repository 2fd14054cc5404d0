// What a learner's page and the workshop server (src/server/workshop/) agree on. Shared by both so
// a limit or a state cannot drift apart; plain TypeScript with no browser or Node dependency.

/** The routes a learner's page uses. The trainer's are under /trainer (server only). */
export const WORKSHOP_API = {
  status: '/api/workshop/status',
  join: '/api/workshop/join',
  progress: '/api/workshop/progress',
  me: '/api/workshop/me',
} as const;

/** Largest request body the server reads; a report is ~150 bytes. */
export const MAX_BODY_BYTES = 4096;
/** Display names: trimmed, 1 to 40 characters (code points), no control characters. */
export const MAX_NAME_CHARS = 40;

/**
 * passed: a step's check passed or a quiz was answered right (the progress store's `passed`).
 * failed: a step's check ran and failed (the trainer sees repeated failures).
 * opened: the learner opened a lesson (no step): where they are, even before their first pass.
 */
export const REPORT_STATES = ['passed', 'failed', 'opened'] as const;
export type ReportState = (typeof REPORT_STATES)[number];

export interface ProgressReport {
  lessonId: string;
  /** null for `opened`; a step or quiz id of the lesson otherwise. */
  stepId: string | null;
  state: ReportState;
  /** When it happened on the learner's page (ms since the epoch): queued reports arrive late. */
  at: number;
}

export interface JoinAnswer {
  learnerId: string;
  /** The learner's bearer token for /progress and /me. Only this page ever sees it. */
  secret: string;
  name: string;
}

export interface StatusAnswer {
  workshop: true;
}

/** A 4xx or 5xx answer's body: `error` is a stable code, `message` is for people. */
export interface ErrorAnswer {
  error: string;
  message: string;
}

/** The display name as it will be stored, or a reason it cannot be. */
export function cleanName(raw: unknown): { name: string } | { problem: 'name-missing' | 'name-too-long' | 'name-invalid' } {
  if (typeof raw !== 'string') return { problem: 'name-missing' };
  const name = raw.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (!name) return { problem: 'name-missing' };
  if ([...name].length > MAX_NAME_CHARS) return { problem: 'name-too-long' };
  // Control and format characters (bidi overrides, zero-width joiners) could disguise a name in the grid.
  if (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(name)) return { problem: 'name-invalid' };
  return { name };
}
