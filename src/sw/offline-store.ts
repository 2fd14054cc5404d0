'use client';
// The page's side of offline use: registers the service worker (secure contexts only), knows
// whether the site and the lab are cached, runs the lab download, and notices a waiting update.
// The top bar (OfflineStatus) and the update notice (OfflineUpdateNotice) read this store.
import { create } from 'zustand';
import { Serwist } from '@serwist/window';
import { LabDownloadError, cachedLabFiles, downloadLab, readLabIndex, type DownloadEnv, type DownloadFailure, type DownloadProgress } from './lab-download.ts';
import { labImageBytes } from './lab-files.ts';
import { useLabStore, type LabStatus } from '../lab/lab-store.ts';

export type LabCacheState = 'unknown' | 'partial' | 'complete';

export interface OfflineState {
  /** Service workers (and the Cache API) exist only on https:// and localhost/127.0.0.1 pages. */
  supported: boolean;
  /** The worker is active: every page, script and the search index are in its precache. */
  siteCached: boolean;
  lab: LabCacheState;
  /** Bytes of the whole lab image, from its manifest. */
  labBytes?: number;
  /** What this site stores on this device (navigator.storage.estimate). */
  usageBytes?: number;
  /** navigator.storage.persisted(): false means the browser may evict it when space runs low. */
  persisted?: boolean;
  /** A newer build is installed and waits for a reload. */
  updateReady: boolean;
  download:
    | { phase: 'idle' }
    | { phase: 'running'; progress: DownloadProgress }
    | { phase: 'done'; bytes: number }
    | { phase: 'failed'; failure: DownloadFailure; detail: string };
}

export const useOffline = create<OfflineState>(() => ({
  supported: false,
  siteCached: false,
  lab: 'unknown',
  updateReady: false,
  download: { phase: 'idle' },
}));

let serwist: Serwist | undefined;

function browserEnv(): DownloadEnv {
  return {
    fetch: globalThis.fetch.bind(globalThis),
    caches: globalThis.caches,
    estimate: navigator.storage?.estimate ? () => navigator.storage.estimate() : undefined,
    origin: location.origin,
  };
}

/** How long a page with no lab waits before registering: a lesson's lab has started by then. */
export const NO_LAB_GRACE_MS = 1500;
/** The longest a starting lab holds the registration back. */
export const LAB_START_WAIT_MS = 60_000;

type LabView = { status: LabStatus; warmedUp: boolean };

/**
 * Resolves once the page's lab has started and warmed up, or failed, or there is none (still idle
 * after the grace period), and at the latest after LAB_START_WAIT_MS. A first visit's service
 * worker precaches the whole site (~300 files) as it installs: on a lesson page that shared the two
 * cores with the lab's unpacking and restore (first visit 9.4-9.7 s to the prompt, 5.3-5.6 s
 * without), then with the warm-up the learner's first command needs; after them, it runs while the
 * learner reads.
 */
export function whenLabSettled(store: { getState(): LabView; subscribe(l: (s: LabView) => void): () => void } = useLabStore, graceMs = NO_LAB_GRACE_MS, maxMs = LAB_START_WAIT_MS): Promise<void> {
  return new Promise((resolve) => {
    const settled = (s: LabView) => s.status === 'error' || (s.status === 'ready' && s.warmedUp);
    let unsubscribe = () => {};
    const timers: ReturnType<typeof setTimeout>[] = [];
    const done = () => {
      unsubscribe();
      timers.forEach(clearTimeout);
      resolve();
    };
    if (settled(store.getState())) return done();
    unsubscribe = store.subscribe((s) => settled(s) && done());
    timers.push(setTimeout(() => store.getState().status === 'idle' && done(), graceMs), setTimeout(done, maxMs));
  });
}

/** Registers the service worker once per page (once the lab has started and warmed up); later calls do nothing. */
export function startOfflineSupport(): void {
  if (serwist || typeof window === 'undefined') return;
  if (!window.isSecureContext || !('serviceWorker' in navigator) || !('caches' in window)) return;
  useOffline.setState({ supported: true });
  serwist = new Serwist('/sw.js', { scope: '/', type: 'classic' });
  const sw = serwist;
  // A new version installed beside the running one: it waits for the learner's reload.
  serwist.addEventListener('waiting', () => {
    if (navigator.serviceWorker.controller) useOffline.setState({ updateReady: true });
  });
  void whenLabSettled()
    .then(() => sw.register({ immediate: true }))
    .then(async (registration) => {
      if (registration?.waiting && navigator.serviceWorker.controller) useOffline.setState({ updateReady: true });
      await navigator.serviceWorker.ready;
      useOffline.setState({ siteCached: true });
      await refreshOfflineStatus();
    })
    .catch((e) => console.warn(`Offline use is unavailable: the service worker could not be registered (${(e as Error).message}).`));
  // A tab left open for a day still learns about a new build.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void serwist?.update().catch(() => undefined);
  });
}

/** Reads how much of the lab is cached and what the site stores; cheap enough for every page load. */
export async function refreshOfflineStatus(): Promise<void> {
  if (!useOffline.getState().supported) return;
  const env = browserEnv();
  try {
    const { manifest, fsJson } = await readLabIndex(env);
    const { missing } = await cachedLabFiles(env, manifest, fsJson);
    useOffline.setState({ lab: missing.length ? 'partial' : 'complete', labBytes: labImageBytes(manifest) });
  } catch {
    useOffline.setState({ lab: 'unknown' }); // no lab image on this site, or offline before it was cached
  }
  const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
  const persisted = await navigator.storage?.persisted?.().catch(() => undefined);
  useOffline.setState({ usageBytes: estimate?.usage, persisted });
}

/** Fetches the whole lab image into the worker's cache, reporting progress to the store. */
export async function startLabDownload(): Promise<void> {
  if (useOffline.getState().download.phase === 'running') return;
  if (!useOffline.getState().supported) {
    useOffline.setState({ download: { phase: 'failed', failure: { code: 'unsupported' }, detail: 'No service worker support on this page.' } });
    return;
  }
  // Asked on the learner's click: browsers grant (or prompt for) persistence more readily then.
  const persisted = await navigator.storage?.persist?.().catch(() => false);
  useOffline.setState({ persisted, download: { phase: 'running', progress: { done: 0, total: useOffline.getState().labBytes ?? 0, filesDone: 0, files: 0 } } });
  let shownAt = 0;
  try {
    const result = await downloadLab(browserEnv(), {
      onProgress: (progress) => {
        // A chunk arrives every few ms: a few renders a second are enough for a progress bar.
        const now = performance.now();
        if (now - shownAt < 150 && progress.filesDone < progress.files) return;
        shownAt = now;
        useOffline.setState({ download: { phase: 'running', progress } });
      },
    });
    useOffline.setState({ download: { phase: 'done', bytes: result.bytes } });
  } catch (e) {
    const failure: DownloadFailure = e instanceof LabDownloadError ? e.failure : { code: 'unexpected' };
    useOffline.setState({ download: { phase: 'failed', failure, detail: (e as Error).message } });
  }
  await refreshOfflineStatus();
}

/** Takes the waiting version into use and reloads the page once it controls it. */
export async function reloadIntoUpdate(): Promise<void> {
  const registration = await navigator.serviceWorker?.getRegistration();
  // Another tab may have taken it into use already: then a reload is all that is left to do.
  if (!serwist || !registration?.waiting) return location.reload();
  navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
  serwist.messageSkipWaiting();
}
