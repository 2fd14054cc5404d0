'use client';
// An OCI container's lifecycle, top to bottom: creating → created → running → stopped → gone, with
// the runc command (or event) on each arrow. The state names are what `runc state` prints and the
// commands are typed as they are, so they stay as they are; every other word comes from the prose
// as a prop, so each language passes its own.
import { useId } from 'react';
import { ArrowMarker } from './ArrowMarker.tsx';

export interface ContainerLifecycleProps {
  /** The figure's title (its text alternative). */
  title: string;
  /** A sentence or two saying what the figure shows, for those who cannot see it. */
  desc: string;
  /** What each state means, shown under its name. */
  creating: string;
  created: string;
  running: string;
  stopped: string;
  /** The last box: the container is no more (its name, then a note). */
  gone: string;
  goneNote: string;
  /** On the arrow from creating to created: what ends the setup. */
  ready: string;
  /** Under `runc kill` on the arrow from running to stopped: the other way to stop. */
  exits: string;
  /** The figure's caption. */
  caption?: string;
  /** A state to draw bold. */
  highlight?: 'creating' | 'created' | 'running' | 'stopped';
}

const W = 460;
const BOX_H = 46;
const GAP = 50;
const TOP = 46; // room for the start dot and the first arrow
const ARROW_X = 40;
const LABEL_X = ARROW_X + 16;

export function ContainerLifecycle(p: ContainerLifecycleProps) {
  const id = useId();
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const markerId = `${id}-arrow`;
  const boxes: Array<{ key: string; name: string; note: string; absent?: boolean }> = [
    { key: 'creating', name: 'creating', note: p.creating },
    { key: 'created', name: 'created', note: p.created },
    { key: 'running', name: 'running', note: p.running },
    { key: 'stopped', name: 'stopped', note: p.stopped },
    { key: 'gone', name: p.gone, note: p.goneNote, absent: true },
  ];
  // The arrow into each box: a command in monospace, then (optionally) a note under it.
  const arrows: Array<{ command?: string; note?: string }> = [
    { command: 'runc create demo' },
    { note: p.ready },
    { command: 'runc start demo' },
    { command: 'runc kill demo KILL', note: p.exits },
    { command: 'runc delete demo' },
  ];
  const boxY = (i: number) => TOP + i * (BOX_H + GAP);
  const h = boxY(boxes.length - 1) + BOX_H + 2;
  return (
    <figure className="diagram">
      <svg viewBox={`0 0 ${W} ${h}`} role="img" aria-labelledby={`${titleId} ${descId}`} width="100%" style={{ maxWidth: W }}>
        <title id={titleId}>{p.title}</title>
        <desc id={descId}>{p.desc}</desc>
        <defs>
          <ArrowMarker id={markerId} />
        </defs>
        <circle cx={ARROW_X} cy={8} r={6} fill="currentColor" />
        {boxes.map((b, i) => {
          const y = boxY(i);
          const from = i === 0 ? 16 : boxY(i - 1) + BOX_H + 2;
          const to = y - 4;
          const a = arrows[i];
          const mid = (from + to) / 2;
          const two = Boolean(a.command && a.note);
          const hl = p.highlight === b.key;
          return (
            <g key={b.key}>
              <line x1={ARROW_X} y1={from} x2={ARROW_X} y2={to} stroke="currentColor" strokeWidth={1.5} markerEnd={`url(#${markerId})`} />
              {a.command && (
                <text x={LABEL_X} y={two ? mid - 3 : mid + 5} className="diagram-name">
                  {a.command}
                </text>
              )}
              {a.note && (
                <text x={LABEL_X} y={two ? mid + 14 : mid + 5} className="diagram-note">
                  {a.note}
                </text>
              )}
              <rect x={1} y={y} width={W - 2} height={BOX_H} rx={8} className={`diagram-box${b.absent ? ' diagram-box-absent' : ''}${hl ? ' diagram-box-hl' : ''}`} />
              <text x={16} y={y + 20} className="diagram-name">
                {b.name}
              </text>
              <text x={16} y={y + 37} className="diagram-note">
                {b.note}
              </text>
            </g>
          );
        })}
      </svg>
      {p.caption && <figcaption>{p.caption}</figcaption>}
    </figure>
  );
}
