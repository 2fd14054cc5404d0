'use client';
// containerd's configuration seen three ways, top to bottom: the built-in defaults (`containerd config
// default`), the files laid over them (`containerd config dump`), and what the running daemon took
// when it started (`crictl info`), with what leads from one to the next on each arrow. The commands
// and file names are typed as they are, so they stay as they are; every other word comes from the
// prose as a prop, so each language passes its own.
import { useId } from 'react';
import { ArrowMarker } from './ArrowMarker.tsx';

export interface ConfigViewsProps {
  /** The figure's title (its text alternative). */
  title: string;
  /** A sentence or two saying what the figure shows, for those who cannot see it. */
  desc: string;
  /** What each view shows, under its command. */
  defaults: string;
  dump: string;
  running: string;
  /** Under the file names on the first arrow: how the files are laid over the defaults. */
  files: string;
  /** Under `systemctl restart containerd` on the second arrow: when the daemon reads the files. */
  restart: string;
  /** The figure's caption. */
  caption?: string;
}

const W = 460;
const BOX_H = 46;
const GAP = 56;
const ARROW_X = 40;
const LABEL_X = ARROW_X + 16;

export function ConfigViews(p: ConfigViewsProps) {
  const id = useId();
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const markerId = `${id}-arrow`;
  const boxes = [
    { name: 'containerd config default', note: p.defaults },
    { name: 'containerd config dump', note: p.dump },
    { name: 'crictl info', note: p.running },
  ];
  // The arrow into each box after the first: what is added (monospace), then a note under it.
  const arrows = [
    { command: 'config.toml + imports', note: p.files },
    { command: 'systemctl restart containerd', note: p.restart },
  ];
  const boxY = (i: number) => 1 + i * (BOX_H + GAP);
  const h = boxY(boxes.length - 1) + BOX_H + 2;
  return (
    <figure className="diagram">
      <svg viewBox={`0 0 ${W} ${h}`} role="img" aria-labelledby={`${titleId} ${descId}`} width="100%" style={{ maxWidth: W }}>
        <title id={titleId}>{p.title}</title>
        <desc id={descId}>{p.desc}</desc>
        <defs>
          <ArrowMarker id={markerId} />
        </defs>
        {boxes.map((b, i) => {
          const y = boxY(i);
          const a = i > 0 ? arrows[i - 1] : undefined;
          const from = i > 0 ? boxY(i - 1) + BOX_H + 2 : 0;
          const to = y - 4;
          const mid = (from + to) / 2;
          return (
            <g key={b.name}>
              {a && (
                <>
                  <line x1={ARROW_X} y1={from} x2={ARROW_X} y2={to} stroke="currentColor" strokeWidth={1.5} markerEnd={`url(#${markerId})`} />
                  <text x={LABEL_X} y={mid - 3} className="diagram-name">
                    {a.command}
                  </text>
                  <text x={LABEL_X} y={mid + 14} className="diagram-note">
                    {a.note}
                  </text>
                </>
              )}
              <rect x={1} y={y} width={W - 2} height={BOX_H} rx={8} className="diagram-box" />
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
