// Where the learner is reading, kept across a switch of language. Pixel offsets do not carry over
// (the two languages' texts differ in length), so the place is the last step or section heading
// above the top of the view, found again by what both languages share: a step's id, or the
// heading's position among the page's ## headings.
const KEY = 'runtime-lab:reading-place';

interface Place {
  path: string;
  anchor: string;
  /** How far past the anchor's top the view starts, in px. */
  offset: number;
}

function scroller(): HTMLElement {
  const pane = document.querySelector<HTMLElement>('.lesson-pane');
  return pane && pane.scrollHeight > pane.clientHeight ? pane : (document.scrollingElement as HTMLElement);
}

function anchors(): Array<{ key: string; el: HTMLElement }> {
  let h2 = 0;
  return [...document.querySelectorAll<HTMLElement>('main h2, main [data-step]')].map((el) =>
    el.dataset.step ? { key: `step:${el.dataset.step}`, el } : { key: `h2:${h2++}`, el },
  );
}

function viewTop(s: HTMLElement): number {
  return s === document.scrollingElement ? 0 : s.getBoundingClientRect().top;
}

/** Remembers the place for the page at `nextPath`. */
export function keepReadingPlace(nextPath: string): void {
  const s = scroller();
  const top = viewTop(s);
  let place: Place = { path: nextPath, anchor: 'top', offset: s.scrollTop };
  for (const a of anchors()) {
    const y = a.el.getBoundingClientRect().top - top;
    if (y > 8) break;
    place = { path: nextPath, anchor: a.key, offset: -y };
  }
  try {
    sessionStorage.setItem(KEY, JSON.stringify(place));
  } catch {
    /* storage blocked: the switch still works, from the top */
  }
}

/** On a page's first render: back to the remembered place if it was kept for this page. */
export function restoreReadingPlace(path: string): void {
  let place: Place | null = null;
  try {
    place = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Place | null;
    sessionStorage.removeItem(KEY);
  } catch {
    return;
  }
  if (!place || place.path !== path) return;
  const s = scroller();
  const a = anchors().find((x) => x.key === place.anchor);
  s.scrollTop = a ? s.scrollTop + a.el.getBoundingClientRect().top - viewTop(s) + place.offset : place.offset;
}
