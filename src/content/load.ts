// Reads content/*.mdx from disk (build time only: the site build and the tests use it, never the page).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LessonFormatError, parseLesson, slugFromFilename, sortLessons, type Lesson } from './lessons.ts';

export const CONTENT_DIR = join(process.cwd(), 'content');

export function loadLessons(dir = CONTENT_DIR): Lesson[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.mdx'));
  const lessons = files.map((f) => parseLesson(slugFromFilename(f), readFileSync(join(dir, f), 'utf8')));
  const seen = new Map<string, string>();
  for (const [i, l] of lessons.entries()) {
    const other = seen.get(l.slug);
    if (other) throw new LessonFormatError(files[i], `its id "${l.slug}" is already the id of ${other}`);
    seen.set(l.slug, files[i]);
  }
  return sortLessons(lessons);
}

export function loadLesson(slug: string, dir = CONTENT_DIR): Lesson | undefined {
  return loadLessons(dir).find((l) => l.slug === slug);
}
