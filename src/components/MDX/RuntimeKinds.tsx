'use client';
// The three kinds of low-level runtime side by side: where a container's system calls go.
// Native (runc, crun): straight to the host's kernel, fenced by namespaces and cgroups.
// Sandboxed (gVisor's runsc): to a kernel written in user space, which asks the host for little.
// Virtualized (Kata): to a guest kernel in a light VM per pod.
import { useT } from '../../i18n/LocaleProvider.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { ArrowMarker } from './ArrowMarker.tsx';

type Kind = 'native' | 'sandboxed' | 'virtualized';
const KINDS: Array<{ kind: Kind; title: MessageKey; example: string; layers: MessageKey[] }> = [
  { kind: 'native', title: 'kinds.native', example: 'runc, crun', layers: ['kinds.container', 'kinds.nsCgroups', 'kinds.hostKernel'] },
  { kind: 'sandboxed', title: 'kinds.sandboxed', example: 'gVisor (runsc)', layers: ['kinds.container', 'kinds.sentry', 'kinds.hostKernel'] },
  { kind: 'virtualized', title: 'kinds.virtualized', example: 'Kata Containers', layers: ['kinds.container', 'kinds.guestKernel', 'kinds.vm', 'kinds.hostKernel'] },
];

const COL = 200;
const GAP = 24;
const BOX = 44;
const VGAP = 20;
const TOP = 52;

export function RuntimeKinds({ highlight }: { highlight?: Kind }) {
  const t = useT();
  const rows = Math.max(...KINDS.map((k) => k.layers.length));
  const w = KINDS.length * COL + (KINDS.length - 1) * GAP + 2;
  const h = TOP + rows * (BOX + VGAP) - VGAP + 2;
  return (
    <figure className="diagram">
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-labelledby="runtime-kinds-title runtime-kinds-desc" width="100%" style={{ maxWidth: w }}>
        <title id="runtime-kinds-title">{t('kinds.title')}</title>
        <desc id="runtime-kinds-desc">
          {KINDS.map((k) => `${t(k.title)} (${k.example}): ${k.layers.map((l) => t(l)).join(' → ')}`).join('. ')}
        </desc>
        <defs>
          <ArrowMarker id="kinds-arrow" />
        </defs>
        {KINDS.map((k, col) => {
          const x = 1 + col * (COL + GAP);
          // The host kernel sits on the bottom row of every column, so the three line up.
          const ys = k.layers.map((_, i) => (i === k.layers.length - 1 ? rows - 1 : i)).map((r) => TOP + r * (BOX + VGAP));
          return (
            <g key={k.kind} className={highlight === k.kind ? 'diagram-hl-group' : undefined}>
              <text x={x + COL / 2} y={18} textAnchor="middle" className="diagram-name">{t(k.title)}</text>
              <text x={x + COL / 2} y={36} textAnchor="middle" className="diagram-note">{k.example}</text>
              {k.layers.map((layer, i) => (
                <g key={layer}>
                  <rect x={x} y={ys[i]} width={COL} height={BOX} rx={8} className={`diagram-box${highlight === k.kind ? ' diagram-box-hl' : ''}`} />
                  <text x={x + COL / 2} y={ys[i] + BOX / 2 + 5} textAnchor="middle" className="diagram-note">{t(layer)}</text>
                  {i < k.layers.length - 1 && <line x1={x + COL / 2} y1={ys[i] + BOX + 2} x2={x + COL / 2} y2={ys[i + 1] - 4} stroke="currentColor" strokeWidth={1.5} markerEnd="url(#kinds-arrow)" />}
                </g>
              ))}
            </g>
          );
        })}
      </svg>
      <figcaption>{t('kinds.caption')}</figcaption>
    </figure>
  );
}
