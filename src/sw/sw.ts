// The service worker: the site offline after the first visit. Built by scripts/build-sw.ts after the
// static export (esbuild, then Serwist's injectManifest fills in self.__SW_MANIFEST).
// - Pages, JS/CSS, the search index, the lab's manifest.json and fs.json are precached: a new build
//   is a new worker, installed beside the old one, and taken into use whole when the learner reloads
//   (the page offers that), so pages, manifest and file list never mix versions.
// - The lab image's other files carry content hashes in their names; they are cached on first use
//   (and all at once by the page's "Download the lab" action) and answer Range requests from the cache.
import { Serwist, Strategy, createPartialResponse, type PrecacheEntry, type StrategyHandler } from 'serwist';
import type { Manifest } from '../vm/manifest.ts';
import { DOWNLOAD_HEADER, LAB_CACHE, LAB_PATH, allLabFiles, isImmutableLabPath } from './lab-files.ts';

declare const self: ServiceWorkerGlobalScope & { __SW_MANIFEST: (PrecacheEntry | string)[] | undefined };

/**
 * Cache first, for files that never change under their name. A Range request on a miss still fetches
 * the whole file (so it is cached for next time and for offline use) and answers with the slice.
 */
class LabImageFiles extends Strategy {
  protected async _handle(request: Request, handler: StrategyHandler): Promise<Response> {
    const whole = new Request(request.url, { credentials: 'same-origin' });
    const ranged = request.headers.has('range');
    const cached = await handler.cacheMatch(whole);
    if (cached) return ranged ? createPartialResponse(request, cached) : cached;
    const response = await handler.fetch(whole);
    if (response.status !== 200) return response; // a 404 reaches the page, which says what is missing
    if (!ranged) {
      // The page streams the body (its progress bar) while the cache writes its copy.
      handler.waitUntil(handler.cachePut(whole, response.clone()));
      return response;
    }
    await handler.cachePut(whole, response.clone());
    return createPartialResponse(request, response);
  }
}

const serwist = new Serwist({
  precacheEntries: self.__SW_MANIFEST,
  precacheOptions: {
    cleanupOutdatedCaches: true,
    // A static site answers the same file whatever the query (?lab-jit=, Next's ?_rsc=, Pagefind's ?ts=).
    ignoreURLParametersMatching: [/.*/],
    // Next asks for /_next/static/chunks/app/%5Blang%5D/... while the precache lists the file as it
    // is named on disk (app/[lang]/...): try the decoded path too.
    urlManipulation: ({ url }) => {
      let path: string;
      try {
        path = decodeURI(url.pathname);
      } catch {
        return [];
      }
      if (path === url.pathname) return [];
      const decoded = new URL(url.href);
      decoded.search = '';
      decoded.pathname = path;
      return path.endsWith('/') ? [decoded, new URL('index.html', decoded)] : [decoded];
    },
  },
  // A new version waits until the learner chooses to reload: a running lab is never swapped mid-lesson.
  skipWaiting: false,
  // The first visit's page is served by the worker at once, so what it loads next is cached.
  clientsClaim: true,
  runtimeCaching: [
    {
      matcher: ({ url, sameOrigin, request }) =>
        sameOrigin && isImmutableLabPath(url.pathname) && !request.headers.has(DOWNLOAD_HEADER),
      handler: new LabImageFiles({ cacheName: LAB_CACHE }),
    },
  ],
});

/**
 * After an update the cache holds the old image beside the new: keep only what this version's
 * manifest and fs.json name (most 9p files are shared by both and stay).
 */
async function dropOtherImagesFiles(): Promise<void> {
  const manifestResponse = await serwist.matchPrecache(`${LAB_PATH}manifest.json`);
  if (!manifestResponse) return; // a site built without the lab image
  const manifest = (await manifestResponse.json()) as Manifest;
  const fsJsonResponse = await serwist.matchPrecache(`${LAB_PATH}${manifest.files.fsJson.name}`);
  if (!fsJsonResponse) return;
  const base = new URL(LAB_PATH, self.location.origin);
  const keep = new Set(allLabFiles(manifest, await fsJsonResponse.json()).map((f) => new URL(f.path, base).href));
  const cache = await caches.open(LAB_CACHE);
  for (const request of await cache.keys()) {
    if (!keep.has(request.url)) await cache.delete(request);
  }
}

self.addEventListener('activate', (event) => event.waitUntil(dropOtherImagesFiles()));
serwist.addEventListeners();
