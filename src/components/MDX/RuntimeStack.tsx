'use client';
// The runtime stack, top to bottom: who asks whom to start a container.
import { useT } from '../../i18n/LocaleProvider.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { ArrowMarker } from './ArrowMarker.tsx';

const LAYERS: Array<{ name: string | MessageKey; translated?: boolean; note: MessageKey; inLab: boolean }> = [
  { name: 'kubelet', note: 'stack.kubelet', inLab: false },
  { name: 'CRI (gRPC)', note: 'stack.cri', inLab: true },
  { name: 'containerd', note: 'stack.containerd', inLab: true },
  { name: 'containerd-shim-runc-v2', note: 'stack.shim', inLab: true },
  { name: 'runc  /  crun', note: 'stack.runc', inLab: true },
  { name: 'stack.process', translated: true, note: 'stack.processNote', inLab: true },
];

const W = 460;
const BOX_H = 46;
const GAP = 22;

export function RuntimeStack({ highlight }: { highlight?: string }) {
  const t = useT();
  const names = LAYERS.map((l) => (l.translated ? t(l.name as MessageKey) : l.name));
  const h = LAYERS.length * (BOX_H + GAP) - GAP + 2;
  return (
    <figure className="diagram">
      <svg viewBox={`0 0 ${W} ${h}`} role="img" aria-labelledby="runtime-stack-title runtime-stack-desc" width="100%" style={{ maxWidth: W }}>
        <title id="runtime-stack-title">{t('stack.title')}</title>
        <desc id="runtime-stack-desc">{t('stack.desc', { layers: names.join(t('stack.then')) })}</desc>
        <defs>
          <ArrowMarker id="arrowhead" />
        </defs>
        {LAYERS.map((l, i) => {
          const y = 1 + i * (BOX_H + GAP);
          const hl = highlight === l.name;
          const name = names[i];
          return (
            <g key={name}>
              <rect x={1} y={y} width={W - 2} height={BOX_H} rx={8} className={`diagram-box${l.inLab ? '' : ' diagram-box-absent'}${hl ? ' diagram-box-hl' : ''}`} />
              <text x={16} y={y + 20} className="diagram-name">{name}</text>
              <text x={16} y={y + 37} className="diagram-note">{t(l.note)}{l.inLab ? '' : t('stack.notInLab')}</text>
              {i < LAYERS.length - 1 && <line x1={W / 2} y1={y + BOX_H + 2} x2={W / 2} y2={y + BOX_H + GAP - 4} stroke="currentColor" strokeWidth={1.5} markerEnd="url(#arrowhead)" />}
            </g>
          );
        })}
      </svg>
      <figcaption>kubelet → CRI → containerd → shim → runc → container</figcaption>
    </figure>
  );
}
