// The lessons and steps a workshop knows: written into the exported site as lessons.json by the
// site build (scripts/lessons-json.ts, from content/ through src/content/load.ts), read by the
// server, so a report about a lesson or step this site does not have is refused.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCALES, type Locale } from '../../i18n/locales.ts';
import { progressIds, type Lesson } from '../../content/lessons.ts';

export const COURSE_FILE = 'lessons.json';
export const COURSE_FORMAT = 1;

export type Titles = Partial<Record<Locale, string>> & { en: string };

export interface CourseStep {
  id: string;
  /** A step has a check in the lab; a quiz is answered on the page. */
  kind: 'step' | 'quiz';
  /** Quizzes have no title of their own (the trainer's grid names them by id). */
  titles?: Titles;
}

export interface CourseLesson {
  id: string;
  titles: Titles;
  /** In the order the learner meets them in the progress count: steps, then quizzes. */
  steps: CourseStep[];
}

export interface Course {
  format: typeof COURSE_FORMAT;
  lessons: CourseLesson[];
}

/** What the site build writes: every lesson in course order, its steps and quizzes. */
export function courseOf(lessons: Lesson[]): Course {
  return {
    format: COURSE_FORMAT,
    lessons: lessons.map((l) => {
      const titles = (pick: (locale: Locale) => string | undefined): Titles => {
        const out: Partial<Record<Locale, string>> = {};
        for (const locale of LOCALES) {
          const t = pick(locale);
          if (t) out[locale] = t;
        }
        return out as Titles;
      };
      const quizIds = new Set(l.quizzes.map((q) => q.id));
      return {
        id: l.slug,
        titles: titles((locale) => l.texts[locale]?.title),
        steps: progressIds(l).map((id): CourseStep =>
          quizIds.has(id) ? { id, kind: 'quiz' } : { id, kind: 'step', titles: titles((locale) => l.texts[locale]?.stepTitles[id]) },
        ),
      };
    }),
  };
}

export class CourseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CourseError';
  }
}

/** Checks the shape of a parsed lessons.json, so a hand-edited or foreign file fails at start, not on a report. */
export function parseCourse(value: unknown, where: string): Course {
  const fail = (problem: string): never => {
    throw new CourseError(`${where}: ${problem}. Rebuild the site (npm run site:build) so it writes a current ${COURSE_FILE}.`);
  };
  const v = value as Partial<Course> | null;
  if (!v || typeof v !== 'object' || v.format !== COURSE_FORMAT) fail(`not a lessons file of format ${COURSE_FORMAT}`);
  if (!Array.isArray(v!.lessons) || v!.lessons.length === 0) fail('it lists no lessons');
  const ids = new Set<string>();
  for (const l of v!.lessons!) {
    if (!l || typeof l.id !== 'string' || !l.id || ids.has(l.id)) fail(`a lesson without an id of its own (${JSON.stringify(l?.id)})`);
    ids.add(l.id);
    if (!l.titles || typeof l.titles.en !== 'string') fail(`lesson ${l.id} has no English title`);
    if (!Array.isArray(l.steps)) fail(`lesson ${l.id} has no steps list`);
    const stepIds = new Set<string>();
    for (const s of l.steps) {
      if (!s || typeof s.id !== 'string' || !s.id || stepIds.has(s.id) || (s.kind !== 'step' && s.kind !== 'quiz')) fail(`lesson ${l.id} has a malformed step ${JSON.stringify(s)}`);
      stepIds.add(s.id);
    }
  }
  return v as Course;
}

export async function readCourse(siteDir: string): Promise<Course> {
  const file = join(siteDir, COURSE_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new CourseError(`The workshop needs ${file}, the list of lessons the site build writes, and could not read it (${(e as Error).message}). Run npm run site:build, or point --dir at an exported site.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new CourseError(`${file} is not valid JSON (${(e as Error).message}). Rebuild the site (npm run site:build).`);
  }
  return parseCourse(parsed, file);
}
