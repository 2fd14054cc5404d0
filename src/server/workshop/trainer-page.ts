// /trainer: one self-contained HTML page served by the workshop server, not a page of the site.
// Why: it exists only when the server runs with --workshop and only behind the trainer's token; a
// page in the static export would ship to every learner (and into the offline cache), and could
// not be protected by a static file server. It needs no React: a table redrawn from the room's
// JSON, pushed by server-sent events. Its words come from the site's catalogue (trainer.*).
import { HTML_LANG, type Locale } from '../../i18n/locales.ts';
import { CATALOGUES } from '../../i18n/messages.ts';
import type { MessageKey } from '../../i18n/en.ts';
import type { RoomView } from './room.ts';

const WORD_KEYS = [
  'trainer.heading', 'trainer.summary', 'trainer.export', 'trainer.stuckAfter', 'trainer.minutes', 'trainer.learner', 'trainer.where',
  'trainer.idle', 'trainer.stuck', 'trainer.empty', 'trainer.live', 'trainer.reconnecting', 'trainer.passed', 'trainer.failed',
  'trainer.current', 'trainer.notStarted', 'trainer.quiz', 'trainer.lessonDone', 'trainer.noLesson', 'trainer.legend',
] as const satisfies readonly MessageKey[];

type Words = Record<(typeof WORD_KEYS)[number], string>;

/**
 * Runs in the trainer's browser: its source is sent as is (Function#toString), so it must not
 * reference anything outside itself. Names in the room (learners') are only ever set as text.
 */
function trainerClient(words: Words, locale: string): void {
  const fill = (s: string, p: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (m, k: string) => (k in p ? String(p[k]) : m));
  const $ = (id: string) => document.getElementById(id)!;
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const STUCK_KEY = 'runtime-lab-trainer:stuck-minutes';
  let stuckMinutes = Number(localStorage.getItem(STUCK_KEY)) || 0;
  let room: RoomView | null = null;
  let receivedAt = 0;
  const title = (t: { en: string } & Record<string, string | undefined>) => t[locale] ?? t.en;
  const minutes = (ms: number) => Math.floor(ms / 60_000);

  const select = $('stuck-after') as HTMLSelectElement;
  select.addEventListener('change', () => {
    stuckMinutes = Number(select.value);
    localStorage.setItem(STUCK_KEY, String(stuckMinutes));
    draw();
  });

  function draw(): void {
    if (!room) return;
    if (!stuckMinutes) stuckMinutes = Math.round(room.stuckAfterMs / 60_000);
    select.value = String(stuckMinutes);
    // Idle times grow between pushes: count from when this view of the room arrived.
    const since = Date.now() - receivedAt;
    const lessons = room.course.lessons;
    const table = $('grid') as HTMLTableElement;
    table.replaceChildren();
    const head = el('thead');
    const top = el('tr');
    top.append(el('th', { rowspan: '2', scope: 'col' }, words['trainer.learner']), el('th', { rowspan: '2', scope: 'col' }, words['trainer.where']), el('th', { rowspan: '2', scope: 'col' }, words['trainer.idle']));
    const second = el('tr');
    for (const l of lessons) {
      top.append(el('th', { colspan: String(Math.max(1, l.steps.length)), scope: 'colgroup', class: 'lesson' }, title(l.titles)));
      let n = 0;
      let q = 0;
      for (const s of l.steps) {
        const label = s.kind === 'quiz' ? `Q${++q}` : String(++n);
        second.append(el('th', { scope: 'col', class: 'step', title: s.kind === 'quiz' ? fill(words['trainer.quiz'], { id: s.id }) : title(s.titles!) }, label));
      }
    }
    head.append(top, second);
    const body = el('tbody');
    let stuckCount = 0;
    let passedCount = 0;
    for (const learner of room.learners) {
      const idle = learner.idleMs + since;
      const stuck = learner.currentStep !== null && idle >= stuckMinutes * 60_000;
      if (stuck) stuckCount++;
      const row = el('tr', { class: stuck ? 'stuck' : '', 'data-learner': learner.id });
      row.append(el('th', { scope: 'row', class: 'name' }, learner.name));
      const lesson = lessons.find((l) => l.id === learner.currentLesson);
      const step = lesson?.steps.find((s) => s.id === learner.currentStep);
      const where = !lesson ? words['trainer.noLesson'] : !step ? `${title(lesson.titles)}: ${words['trainer.lessonDone']}` : `${title(lesson.titles)}: ${step.kind === 'quiz' ? fill(words['trainer.quiz'], { id: step.id }) : title(step.titles!)}`;
      row.append(el('td', { class: 'where' }, where));
      const idleCell = el('td', { class: 'idle' }, `${fill(words['trainer.minutes'], { n: minutes(idle) })}${stuck ? ` · ${words['trainer.stuck']}` : ''}`);
      row.append(idleCell);
      for (const l of lessons) {
        for (const s of l.steps) {
          const r = learner.steps[l.id]?.[s.id];
          const current = learner.currentLesson === l.id && learner.currentStep === s.id;
          let cls = 'cell';
          let mark = '';
          let what = words['trainer.notStarted'];
          if (r?.passedAt !== undefined) {
            cls += ' passed';
            mark = '✓';
            what = words['trainer.passed'];
            passedCount++;
          } else if (r?.failures) {
            cls += ' failed';
            mark = '✗';
            what = fill(words['trainer.failed'], { n: r.failures });
          }
          if (current) {
            cls += ' current';
            what += ` · ${words['trainer.current']}`;
            if (!mark) mark = '●';
          }
          const td = el('td', { class: cls, title: what, 'data-lesson': l.id, 'data-step': s.id, 'data-state': r?.passedAt !== undefined ? 'passed' : r?.failures ? 'failed' : current ? 'current' : 'none' }, mark);
          row.append(td);
        }
      }
      body.append(row);
    }
    table.append(head, body);
    $('empty').hidden = room.learners.length > 0;
    $('summary').textContent = fill(words['trainer.summary'], { learners: room.learners.length, stuck: stuckCount, passed: passedCount });
  }

  const live = $('live');
  const events = new EventSource('/trainer/events');
  events.addEventListener('room', (e) => {
    room = JSON.parse((e as MessageEvent<string>).data) as RoomView;
    receivedAt = Date.now();
    live.textContent = words['trainer.live'];
    live.className = 'live on';
    draw();
  });
  events.addEventListener('error', () => {
    live.textContent = words['trainer.reconnecting'];
    live.className = 'live off';
  });
  // Idle times and "stuck" move on with the clock even when nobody reports.
  setInterval(draw, 15_000);
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `
:root { color-scheme: light dark; --ok: #1a7f37; --bad: #cf222e; --accent: #0969da; --warn: #bf8700; --border: #d0d7de; --muted: #57606a; }
@media (prefers-color-scheme: dark) { :root { --ok: #3fb950; --bad: #f85149; --accent: #58a6ff; --warn: #d29922; --border: #30363d; --muted: #8b949e; } }
body { font: 15px/1.4 system-ui, "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; margin: 1rem 1.5rem; }
header { display: flex; gap: 1rem; align-items: baseline; flex-wrap: wrap; }
h1 { font-size: 1.3rem; margin: 0; }
.live { font-size: 0.85rem; } .live.on { color: var(--ok); } .live.off { color: var(--bad); }
.muted { color: var(--muted); }
.wrap { overflow: auto; max-height: calc(100vh - 8rem); margin-top: 1rem; border: 1px solid var(--border); }
table { border-collapse: collapse; font-size: 0.85rem; }
th, td { border: 1px solid var(--border); padding: 0.2rem 0.35rem; white-space: nowrap; }
thead th { position: sticky; top: 0; background: Canvas; z-index: 1; }
thead tr + tr th { top: 1.6rem; }
th.name { position: sticky; left: 0; background: Canvas; text-align: left; max-width: 14rem; overflow: hidden; text-overflow: ellipsis; }
th.step { font-weight: normal; min-width: 1.4rem; text-align: center; }
td.cell { text-align: center; min-width: 1.4rem; }
td.passed { background: color-mix(in srgb, var(--ok) 25%, transparent); color: var(--ok); }
td.failed { background: color-mix(in srgb, var(--bad) 20%, transparent); color: var(--bad); }
td.current { outline: 2px solid var(--accent); outline-offset: -2px; }
tr.stuck th.name, tr.stuck td.idle { background: color-mix(in srgb, var(--warn) 30%, Canvas); font-weight: 600; }
td.where { max-width: 18rem; overflow: hidden; text-overflow: ellipsis; }
`;

export function trainerPage(locale: Locale): string {
  const catalogue = CATALOGUES[locale];
  const words = Object.fromEntries(WORD_KEYS.map((k) => [k, catalogue[k]])) as Words;
  const t = (k: (typeof WORD_KEYS)[number]) => escapeHtml(words[k]);
  const options = [5, 10, 15, 20, 30].map((n) => `<option value="${n}">${escapeHtml(words['trainer.minutes'].replace('{n}', String(n)))}</option>`).join('');
  // tsx (not the bundle) wraps named functions in __name(); give the page a harmless one.
  const script = `const __name = (f) => f;\n(${trainerClient.toString()})(${JSON.stringify(words).replace(/</g, '\\u003c')}, ${JSON.stringify(locale)});`;
  return `<!doctype html>
<html lang="${HTML_LANG[locale]}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${t('trainer.heading')} · Runtime Lab</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${t('trainer.heading')}</h1>
<span id="summary" class="muted" role="status"></span>
<span id="live" class="live off">${t('trainer.reconnecting')}</span>
<label>${t('trainer.stuckAfter')} <select id="stuck-after">${options}</select></label>
<a href="/trainer/progress.csv" download>${t('trainer.export')}</a>
</header>
<p class="muted small">${t('trainer.legend')}</p>
<p id="empty" hidden>${t('trainer.empty')}</p>
<div class="wrap"><table id="grid"></table></div>
<script>${script}</script>
</body>
</html>
`;
}
