// Reads content/<nn>-<id>/ folders from disk (build time only: the site build and the tests use
// it, never the page). See lessons.ts for what a lesson folder holds.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LOCALES } from '../i18n/locales.ts';
import { LessonFormatError, parseLesson, sortLessons, type Lesson } from './lessons.ts';

export const CONTENT_DIR = join(process.cwd(), 'content');

export function readLessonDir(dir: string, name: string): Lesson {
  const yamlPath = join(dir, 'lesson.yaml');
  if (!existsSync(yamlPath)) throw new LessonFormatError(name, 'a lesson folder needs lesson.yaml');
  const mdx = Object.fromEntries(LOCALES.filter((l) => existsSync(join(dir, `${l}.mdx`))).map((l) => [l, readFileSync(join(dir, `${l}.mdx`), 'utf8')]));
  return parseLesson(name, readFileSync(yamlPath, 'utf8'), mdx);
}

let cache: { dir: string; lessons: Lesson[] } | undefined;

export function loadLessons(dir = CONTENT_DIR): Lesson[] {
  if (cache?.dir === dir && process.env.NODE_ENV === 'production') return cache.lessons;
  const names = readdirSync(dir).filter((f) => /^\d+-/.test(f) && statSync(join(dir, f)).isDirectory());
  const lessons = names.map((n) => readLessonDir(join(dir, n), n));
  const seen = new Map<string, string>();
  for (const [i, l] of lessons.entries()) {
    const other = seen.get(l.slug);
    if (other) throw new LessonFormatError(names[i], `its id "${l.slug}" is already the id of ${other}`);
    seen.set(l.slug, names[i]);
  }
  cache = { dir, lessons: sortLessons(lessons) };
  return cache.lessons;
}

export function loadLesson(slug: string, dir = CONTENT_DIR): Lesson | undefined {
  return loadLessons(dir).find((l) => l.slug === slug);
}
