// The course home: what the lab is, then the course map.
import { loadLessons } from '../content/load.ts';
import { PARTS } from '../content/parts.ts';
import { ThemeToggle } from '../components/ThemeToggle.tsx';
import { CourseMap, type CoursePart } from '../components/CourseMap.tsx';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** What a first visit downloads for the lab, from the image's manifest (when built). */
function labDownloadMB(): number | null {
  const p = join(process.cwd(), 'public/vm/manifest.json');
  if (!existsSync(p)) return null;
  const m = JSON.parse(readFileSync(p, 'utf8')) as { files: Record<string, { size: number }> };
  const { state, wasm, bios, vgaBios } = m.files;
  return Math.round((state.size + wasm.size + bios.size + vgaBios.size) / 1e6);
}

export default function Home() {
  const lessons = loadLessons();
  const parts: CoursePart[] = PARTS.map((p) => ({
    id: p.id,
    title: p.title,
    summary: p.summary,
    lessons: lessons.filter((l) => l.part === p.id).map((l) => ({ slug: l.slug, title: l.title, summary: l.summary, minutes: l.minutes, stepIds: l.steps.map((s) => s.id) })),
  }));
  const mb = labDownloadMB();
  return (
    <div className="home">
      <header className="topbar">
        <span className="brand">Runtime Lab</span>
        <span className="spacer" />
        <ThemeToggle />
      </header>
      <main className="home-main">
        <h1>Learn how containers really run</h1>
        <p className="lead">
          Each lesson sits beside a terminal on a real Linux machine — systemd, containerd, runc and crun — emulated
          in your browser. Nothing to install, nothing leaves the tab.
        </p>
        <p className="muted small">
          The lab is a whole 32-bit PC running Debian, restored from a saved state in a few seconds. Your first visit
          downloads it once{mb ? ` (about ${mb} MB)` : ''}; after that your browser keeps it. Your progress stays in
          this browser.
        </p>
        <CourseMap parts={parts} />
      </main>
    </div>
  );
}
