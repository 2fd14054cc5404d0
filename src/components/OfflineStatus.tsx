'use client';
// The top bar's offline indicator: "Available offline · <size>" once the site and the whole lab are
// cached, and a panel with "Download the lab for offline use", its progress and what went wrong.
import { useEffect } from 'react';
import { useT } from '../i18n/LocaleProvider.tsx';
import type { Translate } from '../i18n/messages.ts';
import type { DownloadFailure } from '../sw/lab-download.ts';
import { megabytes } from '../sw/lab-files.ts';
import { startLabDownload, startOfflineSupport, useOffline } from '../sw/offline-store.ts';

function failureSentence(t: Translate, failure: DownloadFailure): string {
  switch (failure.code) {
    case 'quota':
      return t('offline.error.quota', { needed: megabytes(failure.neededBytes), free: megabytes(failure.freeBytes) });
    case 'network':
      return t('offline.error.network', { file: failure.file });
    case 'http':
      return t('offline.error.http', { file: failure.file, status: failure.status });
    case 'unsupported':
      return t('offline.error.unsupported');
    case 'unexpected':
      return t('offline.error.unexpected');
  }
}

export function OfflineStatus() {
  const t = useT();
  const state = useOffline();
  useEffect(() => startOfflineSupport(), []);
  const { download } = state;
  const available = state.supported && state.siteCached && state.lab === 'complete';
  const pct = download.phase === 'running' && download.progress.total ? Math.min(100, Math.floor((download.progress.done / download.progress.total) * 100)) : 0;

  const summary =
    download.phase === 'running'
      ? t('offline.downloadingShort', { pct })
      : available
        ? t('offline.available', { size: megabytes(state.usageBytes ?? state.labBytes ?? 0) })
        : t('offline.title');

  return (
    <details className="lesson-menu offline-menu" data-testid="offline-menu">
      <summary title={t('offline.menuLabel')} data-testid="offline-status" data-available={available ? 'yes' : 'no'}>
        {summary}
      </summary>
      <div
        role="group"
        aria-label={t('offline.menuLabel')}
        style={{ position: 'absolute', zIndex: 5, top: '2.3rem', right: 0, width: '22rem', background: 'var(--bg)', border: '1px solid var(--border)', borderRadius: 8, padding: '0.75rem 1rem', boxShadow: '0 6px 20px rgb(0 0 0 / 0.2)' }}
      >
        {!state.supported ? (
          <p className="small">{t('offline.insecure')}</p>
        ) : (
          <>
            <p className="small">{state.siteCached ? t('offline.siteReady') : t('offline.preparing')}</p>
            {state.lab === 'complete' && download.phase !== 'done' && (
              <p className="small">{t('offline.labComplete', { size: megabytes(state.usageBytes ?? state.labBytes ?? 0) })}</p>
            )}
            {state.lab !== 'complete' && download.phase !== 'running' && state.labBytes !== undefined && (
              <p className="small">{t('offline.labMissing', { size: megabytes(state.labBytes) })}</p>
            )}
            {state.lab !== 'complete' && (
              <button type="button" className="btn btn-primary" disabled={download.phase === 'running' || !state.siteCached} onClick={() => void startLabDownload()} data-testid="offline-download">
                {t('offline.download')}
              </button>
            )}
            {download.phase === 'running' && (
              <div className="small" style={{ marginTop: '0.5rem' }}>
                <progress max={download.progress.total || 1} value={Math.min(download.progress.done, download.progress.total)} aria-label={t('offline.progressLabel')} style={{ width: '100%' }} data-testid="offline-progress" />
                <span>{t('offline.progress', { done: megabytes(download.progress.done), total: megabytes(download.progress.total), pct })}</span>
              </div>
            )}
            {download.phase === 'done' && (
              <p className="small" role="status" data-testid="offline-downloaded">
                {t('offline.downloaded', { size: megabytes(download.bytes) })}
              </p>
            )}
            {download.phase === 'failed' && (
              <div className="small" role="alert" data-testid="offline-error">
                <p>{failureSentence(t, download.failure)}</p>
                <details>
                  <summary>{t('offline.errorDetails')}</summary>
                  <code>{download.detail}</code>
                </details>
              </div>
            )}
            {state.lab === 'complete' && state.persisted === false && <p className="small muted">{t('offline.notPersisted')}</p>}
          </>
        )}
      </div>
    </details>
  );
}
