import Link from 'next/link';
import { loadLessons } from '../lab/content.ts';
import { ThemeToggle } from '../components/ThemeToggle.tsx';

export default function Home() {
  const lessons = loadLessons();
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
        <ol className="lesson-list">
          {lessons.map((l) => (
            <li key={l.slug}>
              <Link href={`/lessons/${l.slug}/`}>
                <strong>{l.title}</strong>
              </Link>
              <p className="muted">{l.summary}</p>
              <p className="muted small">
                {l.minutes} min · {l.steps.length} checked steps
              </p>
            </li>
          ))}
        </ol>
      </main>
    </div>
  );
}
