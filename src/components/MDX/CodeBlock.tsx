'use client';
// A fenced code block. Shell blocks get Run (types the command into the lab terminal and presses
// Enter) and every block gets Copy. A step's check block is shown folded, as what the page runs to
// check the step; a block meant to fail says so.
import { Children, isValidElement, useContext, useState, type ReactElement, type ReactNode } from 'react';
import { isRunnableLanguage, parseBlockMeta } from '../../lab/lesson-format.ts';
import { lab } from '../../lab/lab-client.ts';
import { useLabStore } from '../../lab/lab-store.ts';
import { StepContext } from './StepContext.tsx';

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
  const runnable = isRunnableLanguage(lang) && !meta.check;
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

  if (meta.check) {
    return (
      <details className="check-script">
        <summary>How the page checks this step</summary>
        <pre tabIndex={0}>
          <code>{text}</code>
        </pre>
      </details>
    );
  }

  return (
    <div className="code-block" data-lang={lang} data-fails={meta.fails || undefined}>
      {meta.fails && <p className="code-note">This command is meant to fail: read its error.</p>}
      {meta.interactive && <p className="code-note">This command waits for you: type into the terminal, then leave it as the lesson says.</p>}
      <pre tabIndex={0}>
        <code>{text}</code>
      </pre>
      <div className="code-actions">
        {runnable && (
          <button type="button" className="btn btn-primary" onClick={run} disabled={!ready} title={ready ? 'Type this into the lab terminal and press Enter' : 'The lab is not ready yet'} aria-label={`Run: ${text.split('\n')[0]}`}>
            Run
          </button>
        )}
        <button type="button" className="btn" onClick={copy} aria-label={`Copy: ${text.split('\n')[0]}`}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}
