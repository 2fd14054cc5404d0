// Reads content/*.mdx from disk (Node only: the site build and the tests use it, never the browser).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseLesson, slugFromFilename, sortLessons, type Lesson } from './lessons.ts';

export const CONTENT_DIR = join(process.cwd(), 'content');

export function loadLessons(dir = CONTENT_DIR): Lesson[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.mdx'));
  return sortLessons(files.map((f) => parseLesson(slugFromFilename(f), readFileSync(join(dir, f), 'utf8'))));
}

export function loadLesson(slug: string, dir = CONTENT_DIR): Lesson | undefined {
  return loadLessons(dir).find((l) => l.slug === slug);
}
