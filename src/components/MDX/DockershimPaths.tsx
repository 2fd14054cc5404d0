'use client';
// Three ways a kubelet has reached the same runc, side by side: Kubernetes 1.23 and before (the
// dockershim built into the kubelet, speaking Docker's API to dockerd), cri-dockerd since 1.24 (the
// same shim as a separate CRI server), and containerd's own CRI plugin. Boxes sit on shared rows, so
// a hop that a path skips shows as a longer arrow. Program names and API names are what the learner
// types or reads in the lab, so they stay as they are; every other word comes from the prose as a
// prop, so each language passes its own.
import { useId } from 'react';
import { ArrowMarker } from './ArrowMarker.tsx';

export interface DockershimPathsProps {
  /** The figure's title (its text alternative). */
  title: string;
  /** A sentence or two saying what the figure shows, for those who cannot see it. */
  desc: string;
  /** Each column's heading. */
  before: string;
  criDockerd: string;
  direct: string;
  /** Under the kubelet of the first column: the shim lived in its code, and was removed. */
  builtIn: string;
  /** Under cri-dockerd: what it is. */
  criDockerdNote: string;
  /** Under containerd in the last column: where its CRI server is. */
  criPlugin: string;
  /** Under dockerd: what it adds that containerd does not have. */
  dockerdNote: string;
  /** The figure's caption. */
  caption?: string;
}

interface Box {
  row: number;
  name: string;
  note?: string;
  /** The label of the arrow that arrives at this box. */
  via?: string;
  /** Drawn dashed: what no current Kubernetes has. */
  gone?: boolean;
}

const ROWS = 6;
const COL = 236;
const GAP = 18;
const TOP = 58;
const BOX_H = 46;
const ROW_GAP = 30;
const ROW_H = BOX_H + ROW_GAP;

function columns(p: DockershimPathsProps): Array<{ heading: string; boxes: Box[] }> {
  // Below dockerd, both Docker paths are the same.
  const underDockerd: Box[] = [
    { row: 3, name: 'containerd', via: 'containerd API' },
    { row: 4, name: 'containerd-shim-runc-v2' },
    { row: 5, name: 'runc' },
  ];
  return [
    {
      heading: p.before,
      boxes: [
        { row: 0, name: 'kubelet', note: p.builtIn, gone: true },
        { row: 2, name: 'dockerd', via: 'Docker API', note: p.dockerdNote },
        ...underDockerd,
      ],
    },
    {
      heading: p.criDockerd,
      boxes: [
        { row: 0, name: 'kubelet' },
        { row: 1, name: 'cri-dockerd', via: 'CRI', note: p.criDockerdNote },
        { row: 2, name: 'dockerd', via: 'Docker API', note: p.dockerdNote },
        ...underDockerd,
      ],
    },
    {
      heading: p.direct,
      boxes: [
        { row: 0, name: 'kubelet' },
        { row: 3, name: 'containerd', via: 'CRI', note: p.criPlugin },
        { row: 4, name: 'containerd-shim-runc-v2' },
        { row: 5, name: 'runc' },
      ],
    },
  ];
}

export function DockershimPaths(p: DockershimPathsProps) {
  const id = useId();
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const markerId = `${id}-arrow`;
  const cols = columns(p);
  const w = cols.length * COL + (cols.length - 1) * GAP + 2;
  const h = TOP + ROWS * ROW_H - ROW_GAP + 2;
  const boxY = (row: number) => TOP + row * ROW_H;
  return (
    <figure className="diagram">
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-labelledby={`${titleId} ${descId}`} width="100%" style={{ maxWidth: w }}>
        <title id={titleId}>{p.title}</title>
        <desc id={descId}>{p.desc}</desc>
        <defs>
          <ArrowMarker id={markerId} />
        </defs>
        {cols.map((c, ci) => {
          const x0 = 1 + ci * (COL + GAP);
          const mid = x0 + COL / 2;
          return (
            <g key={ci}>
              <text x={mid} y={24} textAnchor="middle" className="diagram-name" style={{ fontFamily: 'system-ui, sans-serif' }}>
                {c.heading}
              </text>
              {c.boxes.map((b, bi) => {
                const y = boxY(b.row);
                const prev = bi > 0 ? c.boxes[bi - 1] : undefined;
                const fromY = prev ? boxY(prev.row) + BOX_H + 2 : 0;
                return (
                  <g key={b.name}>
                    {prev && (
                      <>
                        <line x1={mid} y1={fromY} x2={mid} y2={y - 3} stroke="currentColor" strokeWidth={1.5} markerEnd={`url(#${markerId})`} />
                        {b.via && (
                          <text x={mid + 8} y={(fromY + y) / 2 + 4} className="diagram-note" style={{ fontFamily: 'ui-monospace, monospace' }}>
                            {b.via}
                          </text>
                        )}
                      </>
                    )}
                    <rect x={x0} y={y} width={COL} height={BOX_H} rx={8} className={`diagram-box${b.gone ? ' diagram-box-absent' : ''}`} />
                    <text x={x0 + 12} y={y + (b.note ? 20 : 28)} className="diagram-name" style={{ fontSize: 14 }}>
                      {b.name}
                    </text>
                    {b.note && (
                      <text x={x0 + 12} y={y + 37} className="diagram-note" style={{ fontSize: 11.5 }}>
                        {b.note}
                      </text>
                    )}
                  </g>
                );
              })}
            </g>
          );
        })}
      </svg>
      {p.caption && <figcaption>{p.caption}</figcaption>}
    </figure>
  );
}
