'use client';
// On every page of a language: registers the service worker, and once a newer build is installed
// and waiting, says so with a button that takes it into use and reloads.
import { useEffect } from 'react';
import { useT } from '../i18n/LocaleProvider.tsx';
import { reloadIntoUpdate, startOfflineSupport, useOffline } from '../sw/offline-store.ts';

export function OfflineUpdateNotice() {
  const t = useT();
  const updateReady = useOffline((s) => s.updateReady);
  useEffect(() => startOfflineSupport(), []);
  if (!updateReady) return null;
  return (
    <div
      role="status"
      data-testid="update-ready"
      className="small"
      style={{ position: 'fixed', zIndex: 20, bottom: '1rem', left: '50%', transform: 'translateX(-50%)', display: 'flex', gap: '0.5rem', alignItems: 'center', padding: '0.5rem 0.9rem', background: 'var(--bg-soft)', border: '1px solid var(--border)', borderRadius: 8, boxShadow: '0 6px 20px rgb(0 0 0 / 0.2)' }}
    >
      <span>{t('offline.updateReady')}</span>
      <button type="button" className="btn btn-primary" onClick={() => void reloadIntoUpdate()}>
        {t('offline.reload')}
      </button>
    </div>
  );
}
