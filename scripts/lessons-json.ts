// Writes out/lessons.json after `next build`: the lessons, steps and quizzes of this site, read from
// content/ by the same loader the pages use. The workshop server (src/server/workshop/) accepts
// progress reports only for what it lists.
import { writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadLessons } from '../src/content/load.ts';
import { COURSE_FILE, courseOf } from '../src/server/workshop/course.ts';

const outDir = join(process.cwd(), 'out');
if (!existsSync(outDir)) {
  console.error(`No exported site in ${outDir}: run next build first (npm run site:build does both).`);
  process.exit(1);
}
const course = courseOf(loadLessons());
writeFileSync(join(outDir, COURSE_FILE), `${JSON.stringify(course, null, 1)}\n`);
console.log(`${COURSE_FILE}: ${course.lessons.length} lessons, ${course.lessons.reduce((n, l) => n + l.steps.length, 0)} steps and quizzes`);
