'use client';
// The lab terminal: xterm.js on the guest's virtio console, with the machine's state over it
// (download progress, restoring, and what to do when something is wrong).
import { useEffect, useRef } from 'react';
import type { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { lab } from '../lab/lab-client.ts';
import { useLabStore } from '../lab/lab-store.ts';
import { resolveTheme, useThemeStore } from '../lab/theme-store.ts';
import { useLocale, useT } from '../i18n/LocaleProvider.tsx';
import { duration, lookup } from '../i18n/messages.ts';

const THEMES = {
  dark: { background: '#0f1419', foreground: '#e6e1cf', cursor: '#f29718', selectionBackground: '#3d4f61' },
  // Darker ANSI colours than xterm's defaults, so the guest's green prompt stays readable on white.
  light: {
    background: '#fbfbfa', foreground: '#1f2328', cursor: '#b35900', selectionBackground: '#c8d7ea',
    black: '#24292f', red: '#b42318', green: '#116329', yellow: '#7a4d00', blue: '#0550ae', magenta: '#8250df', cyan: '#0a6b75', white: '#57606a',
    brightBlack: '#57606a', brightRed: '#a40e26', brightGreen: '#1a7f37', brightYellow: '#6f4400', brightBlue: '#0969da', brightMagenta: '#6639ba', brightCyan: '#0b7285', brightWhite: '#6e7781',
  },
};

export function LabTerminal() {
  const host = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const theme = useThemeStore((s) => s.theme);
  const t = useT();
  const label = useRef(t('terminal.label'));
  label.current = t('terminal.label');

  useEffect(() => {
    let disposed = false;
    const cleanups: Array<() => void> = [];
    // The machine starts while xterm loads: its files and restore take seconds, the terminal is
    // listening long before the first console byte (the worker sends none before it is ready).
    void lab.start();
    void (async () => {
      const [{ Terminal }, { FitAddon }] = await Promise.all([import('@xterm/xterm'), import('@xterm/addon-fit')]);
      if (disposed || !host.current) return;
      const term = new Terminal({
        fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
        fontSize: 14,
        cursorBlink: true,
        scrollback: 5000,
        theme: THEMES[resolveTheme(useThemeStore.getState().theme)],
        screenReaderMode: false,
      });
      termRef.current = term;
      const fit = new FitAddon();
      term.loadAddon(fit);
      term.open(host.current);
      // WebGL draws faster where it exists; the DOM renderer is the fallback.
      try {
        const { WebglAddon } = await import('@xterm/addon-webgl');
        const webgl = new WebglAddon();
        webgl.onContextLoss(() => webgl.dispose());
        term.loadAddon(webgl);
      } catch {
        /* no WebGL: keep the DOM renderer */
      }
      // As in a desktop terminal: Ctrl+Shift+C copies the selection, Ctrl+Shift+V pastes (the
      // browser's own paste reaches xterm too), and selecting text copies it. Shift+Escape leaves
      // the terminal, so keyboard users are never trapped (Tab goes to the shell).
      term.attachCustomKeyEventHandler((e) => {
        if (e.type !== 'keydown') return true;
        if (e.key === 'Escape' && e.shiftKey) {
          term.blur();
          host.current?.closest('.lab-panel')?.querySelector<HTMLElement>('.lab-panel-heading')?.focus();
          return false;
        }
        if (e.ctrlKey && e.shiftKey && (e.key === 'C' || e.key === 'c')) {
          if (term.hasSelection()) void navigator.clipboard?.writeText(term.getSelection()).catch(() => undefined);
          e.preventDefault();
          return false;
        }
        if (e.ctrlKey && e.shiftKey && (e.key === 'V' || e.key === 'v')) {
          e.preventDefault();
          void navigator.clipboard?.readText().then((t) => t && term.paste(t)).catch(() => undefined);
          return false;
        }
        return true;
      });
      const selection = term.onSelectionChange(() => {
        if (term.hasSelection()) void navigator.clipboard?.writeText(term.getSelection()).catch(() => undefined);
      });
      cleanups.push(() => selection.dispose());
      // Screen readers: xterm's own mode, switched below the terminal and remembered.
      cleanups.push(useThemeStore.subscribe((st) => { term.options.screenReaderMode = st.screenReader; }));
      term.options.screenReaderMode = useThemeStore.getState().screenReader;
      term.textarea?.setAttribute('aria-label', label.current);

      const decoder = new TextDecoder();
      cleanups.push(lab.onConsole((bytes) => term.write(decoder.decode(bytes, { stream: true }))));
      cleanups.push(lab.onReset(() => term.reset()));
      const input = term.onData((d) => lab.writeConsole(d));
      cleanups.push(() => input.dispose());

      const resize = () => {
        if (!host.current || host.current.offsetWidth === 0) return; // hidden tab: keep the last size
        try {
          fit.fit();
        } catch {
          return;
        }
        lab.resize(term.cols, term.rows);
      };
      const ro = new ResizeObserver(() => requestAnimationFrame(resize));
      ro.observe(host.current);
      cleanups.push(() => ro.disconnect());
      resize();
      cleanups.push(() => term.dispose());
      // A read-only window for browser tests and debugging: the WebGL renderer draws to a canvas,
      // so the text is not in the DOM.
      (globalThis as { __runtimeLab?: unknown }).__runtimeLab = {
        terminalText: () => {
          const b = term.buffer.active;
          const lines: string[] = [];
          for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)?.translateToString(true) ?? '');
          return lines.join('\n').replace(/\n+$/, '');
        },
        size: () => ({ cols: term.cols, rows: term.rows }),
        promptAtMs: () => useLabStore.getState().promptAtMs,
        lastCommandEndAtMs: () => useLabStore.getState().lastCommandEndAtMs,
        /** Through the guest agent, as a check runs (for tests of the agent's limits). */
        exec: (script: string, timeoutMs = 300_000) => lab.exec(script, timeoutMs),
      };
    })();
    return () => {
      disposed = true;
      termRef.current = null;
      cleanups.forEach((fn) => fn());
    };
  }, []);

  useEffect(() => {
    termRef.current?.textarea?.setAttribute('aria-label', t('terminal.label'));
  }, [t]);

  useEffect(() => {
    const apply = () => termRef.current && (termRef.current.options.theme = THEMES[resolveTheme(theme)]);
    apply();
    const mq = matchMedia('(prefers-color-scheme: dark)');
    mq.addEventListener('change', apply);
    return () => mq.removeEventListener('change', apply);
  }, [theme]);

  return (
    <>
      <div className="lab-terminal-wrap">
        <div ref={host} className="lab-terminal" data-testid="terminal" />
        <LabOverlay />
      </div>
      <SetupFailureNotice />
    </>
  );
}

/** The lesson's setup failed: the lab runs, but may not be as the lesson expects. Beside the terminal, not over it. */
function SetupFailureNotice() {
  const failure = useLabStore((s) => s.setupFailure);
  const status = useLabStore((s) => s.status);
  const t = useT();
  if (!failure || status !== 'ready') return null;
  return (
    <div className="callout warning" role="alert" data-testid="setup-failure" style={{ margin: '0.5rem', maxHeight: '40%', overflowY: 'auto' }}>
      <p style={{ margin: '0 0 0.4rem' }}>
        <strong>{failure.exitCode === undefined ? t('lab.setupFailed') : t('lab.setupFailedStatus', { code: failure.exitCode })}</strong>
      </p>
      {failure.output && <pre className="check-output" aria-label={t('lab.setupOutput')}>{failure.output}</pre>}
      <div className="row" style={{ marginTop: '0.4rem', justifyContent: 'flex-start' }}>
        <button type="button" className="btn" onClick={() => void lab.reset()}>{t('lab.resetAndSetup')}</button>
      </div>
    </div>
  );
}

function formatMB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** What the machine is doing when there is no prompt to show, and what can be done about problems. */
function LabOverlay() {
  const { status, progress, error } = useLabStore();
  const t = useT();
  const locale = useLocale();
  if (status === 'ready') return null;
  // The catalogue's sentence for the code, in the page's language; the lab's own English message
  // (with its technical detail) goes under Details.
  const params = error?.params?.ms !== undefined ? { ...error.params, time: duration(locale, Number(error.params.ms)) } : error?.params;
  const said = error?.code ? lookup(locale, `error.${error.code}`, params) : undefined;
  const message = said ?? error?.message.split('\n')[0] ?? t('error.unknown');
  const hint = (error?.code && lookup(locale, `error.${error.code}.hint`)) || error?.hint;
  const details = said ? error?.message : error?.message.split('\n').slice(1).join('\n');
  const pct = progress.total ? Math.min(100, (progress.loaded / progress.total) * 100) : 0;
  return (
    <div className="lab-overlay" role={status === 'error' || status === 'hung' ? 'alert' : 'status'} aria-live="polite" data-status={status}>
      {(status === 'idle' || status === 'downloading') && (
        <div className="lab-overlay-box">
          <p>{t('lab.downloading')}</p>
          <progress max={progress.total || 1} value={progress.loaded} aria-label={t('lab.downloadLabel')} />
          <p className="muted">
            {progress.total ? t('lab.downloadProgress', { loaded: formatMB(progress.loaded), total: formatMB(progress.total), pct: pct.toFixed(0) }) : t('lab.starting')}
          </p>
          <p className="muted small">{t('lab.cacheNote')}</p>
        </div>
      )}
      {status === 'restoring' && (
        <div className="lab-overlay-box">
          <p>{t('lab.restoring')}</p>
          <p className="muted small">{t('lab.restoringNote')}</p>
        </div>
      )}
      {status === 'resetting' && (
        <div className="lab-overlay-box">
          <p>{t('lab.resetting')}</p>
        </div>
      )}
      {status === 'hung' && (
        <div className="lab-overlay-box">
          <p>{t('lab.hung')}</p>
          <p className="muted small">{t('lab.hungNote')}</p>
          <div className="row">
            <button type="button" className="btn btn-primary" onClick={() => void lab.reset()}>{t('lab.reset')}</button>
            <button type="button" className="btn" onClick={() => location.reload()}>{t('lab.reload')}</button>
          </div>
        </div>
      )}
      {status === 'error' && error && (
        <div className="lab-overlay-box">
          <p><strong>{message}</strong></p>
          {hint && <p className="muted">{hint}</p>}
          {error.code === 'image-missing' && (
            <p>
              {t('lab.buildImage')} <code>npm run lab:image</code>
            </p>
          )}
          {details && (
            <details className="error-details" open={!said}>
              <summary>{t('lab.details')}</summary>
              <pre className="check-output" lang="en">{details}</pre>
            </details>
          )}
          <div className="row">
            {error.code !== 'no-wasm' && error.code !== 'image-missing' && error.code !== 'stale-image' && (
              <button type="button" className="btn btn-primary" onClick={() => void lab.reset()}>{t('lab.reset')}</button>
            )}
            <button type="button" className="btn" onClick={() => location.reload()}>{t('lab.reload')}</button>
          </div>
        </div>
      )}
    </div>
  );
}
