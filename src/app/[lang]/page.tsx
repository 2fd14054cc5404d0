// The course home in one language: what the lab is, then the course map.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { notFound } from 'next/navigation';
import { loadLessons } from '../../content/load.ts';
import { progressIds } from '../../content/lessons.ts';
import { PARTS } from '../../content/parts.ts';
import { isLocale } from '../../i18n/locales.ts';
import { translator } from '../../i18n/messages.ts';
import { lessonText } from '../../content/localized.ts';
import { ThemeToggle } from '../../components/ThemeToggle.tsx';
import { LanguageSwitch } from '../../components/LanguageSwitch.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { CourseMap, type CoursePart } from '../../components/CourseMap.tsx';

/** What a first visit downloads for the lab, from the image's manifest (when built). */
function labDownloadMB(): number | null {
  const p = join(process.cwd(), 'public/vm/manifest.json');
  if (!existsSync(p)) return null;
  const m = JSON.parse(readFileSync(p, 'utf8')) as { files: Record<string, { size: number }> };
  const { state, wasm, bios, vgaBios } = m.files;
  return Math.round((state.size + wasm.size + bios.size + vgaBios.size) / 1e6);
}

export default async function Home({ params }: { params: Promise<{ lang: string }> }) {
  const { lang } = await params;
  if (!isLocale(lang)) notFound();
  const t = translator(lang);
  const lessons = loadLessons();
  const parts: CoursePart[] = PARTS.map((p) => ({
    id: p.id,
    lessons: lessons
      .filter((l) => l.part === p.id)
      .map((l) => {
        const text = lessonText(l, lang);
        return { slug: l.slug, title: text.title, summary: text.summary, minutes: l.minutes, stepIds: progressIds(l) };
      }),
  }));
  const mb = labDownloadMB();
  return (
    <div className="home">
      <header className="topbar">
        <span className="brand">{t('site.name')}</span>
        <span className="spacer" />
        <SearchBox />
        <LanguageSwitch />
        <ThemeToggle />
      </header>
      <main className="home-main">
        <h1>{t('home.title')}</h1>
        <p className="lead">{t('home.lead')}</p>
        <p className="muted small">{t('home.download', { size: mb ? t('home.downloadSize', { mb }) : '' })}</p>
        <CourseMap parts={parts} />
      </main>
    </div>
  );
}
