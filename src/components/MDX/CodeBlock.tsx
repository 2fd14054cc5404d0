'use client';
// A fenced code block. Shell blocks (a lesson's commands) get Run, which types the command into the
// lab terminal and presses Enter; every block gets Copy. A command meant to fail says so.
import { Children, isValidElement, useContext, useState, type ReactElement, type ReactNode } from 'react';
import { isRunnableLanguage, parseBlockMeta } from '../../lab/lesson-format.ts';
import { lab } from '../../lab/lab-client.ts';
import { useLabStore } from '../../lab/lab-store.ts';
import { StepContext } from './StepContext.tsx';
import { useT } from '../../i18n/LocaleProvider.tsx';

function textOf(node: ReactNode): string {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  if (isValidElement(node)) return textOf((node.props as { children?: ReactNode }).children);
  return '';
}

export function CodeBlock({ children }: { children?: ReactNode }) {
  const code = Children.toArray(children).find(isValidElement) as ReactElement<{ className?: string; children?: ReactNode; 'data-meta'?: string }> | undefined;
  const lang = /language-(\S+)/.exec(code?.props.className ?? '')?.[1];
  const text = textOf(code?.props.children ?? children).replace(/\n$/, '');
  const meta = parseBlockMeta(code?.props['data-meta']);
  const runnable = isRunnableLanguage(lang);
  const t = useT();
  const ready = useLabStore((s) => s.status === 'ready');
  const step = useContext(StepContext);
  const [copied, setCopied] = useState(false);

  const run = () => {
    lab.type(text);
    step?.onRun();
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard needs a secure context; select the text so Ctrl+C works instead.
      const sel = getSelection();
      const pre = document.activeElement?.closest('.code-block')?.querySelector('pre');
      if (sel && pre) sel.selectAllChildren(pre);
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };

  return (
    <div className="code-block" data-lang={lang} data-fails={meta.fails || undefined}>
      {meta.fails && <p className="code-note">{t('code.fails')}</p>}
      {meta.interactive && <p className="code-note">{t('code.interactive')}</p>}
      <pre tabIndex={0}>
        <code>{text}</code>
      </pre>
      <div className="code-actions">
        {runnable && (
          <button type="button" className="btn btn-primary" onClick={run} disabled={!ready} title={ready ? t('code.runTitle') : t('code.notReady')} aria-label={t('code.runLabel', { command: text.split('\n')[0] })}>
            {t('code.run')}
          </button>
        )}
        <button type="button" className="btn" onClick={copy} aria-label={t('code.copyLabel', { command: text.split('\n')[0] })}>
          {copied ? t('code.copied') : t('code.copy')}
        </button>
      </div>
    </div>
  );
}
