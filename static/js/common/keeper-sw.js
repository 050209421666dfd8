/*
 * What the wall's and the console's service workers share (a classic script, for importScripts): answer
 * this server's requests network first and keep each answer; when the server cannot be reached, or hangs
 * past PATIENCE_MS (a venue router gone half-open), answer with the kept copy instead; keep the last view
 * the page posts as the answer to GET /api/v1/state; and, asked with {keep: urls}, fetch and keep what the
 * page's first load fetched before the worker controlled it. Each worker says what it keeps and how
 * (display/sw.js, console/sw.js).
 *
 * options: cache (its name), kept(url) (whether to handle it), keyOf(url, navigate) (one copy per key),
 *          worth(url, response) -> Promise<Response|null> (the copy to keep, or none),
 *          fallback(request, cache) -> Promise<Response|undefined> (a last resort when nothing was kept).
 */
self.kioskKeeper = function (options) {
  const STATE = "/api/v1/state";
  const PATIENCE_MS = 2500;
  const origin = self.location.origin;

  async function networkFirst(request) {
    const cache = await caches.open(options.cache);
    const url = new URL(request.url);
    const key = options.keyOf(url, request.mode === "navigate");
    const network = fetch(request).then(async (response) => {
      const copy = await options.worth(url, response.clone());
      if (copy) await cache.put(key, copy);
      return response;
    });
    try {
      return await Promise.race([
        network,
        new Promise((_, reject) => setTimeout(() => reject(new Error("no answer in time")), PATIENCE_MS)),
      ]);
    } catch (err) {
      const hit = (await cache.match(key)) || (options.fallback && (await options.fallback(request, cache)));
      if (hit) return hit;
      return network; // nothing kept: the network's answer (or its failure) after all
    }
  }

  self.addEventListener("install", () => self.skipWaiting());
  self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

  self.addEventListener("fetch", (event) => {
    const url = new URL(event.request.url);
    if (event.request.method !== "GET" || !options.kept(url)) return;
    event.respondWith(networkFirst(event.request));
  });

  self.addEventListener("message", (event) => {
    const data = event.data || {};
    if (data.state) {
      // The view the page just drew: what it comes back to.
      const body = JSON.stringify(data.state);
      event.waitUntil(
        caches.open(options.cache).then((cache) =>
          cache.put(origin + STATE, new Response(body, { headers: { "Content-Type": "application/json" } }))
        )
      );
    }
    if (Array.isArray(data.keep)) {
      const urls = data.keep.map((u) => new URL(u, origin)).filter((u) => options.kept(u) && u.pathname !== STATE);
      event.waitUntil(
        caches.open(options.cache).then((cache) =>
          Promise.all(
            urls.map((url) =>
              fetch(url.href, { credentials: "same-origin" })
                .then(async (response) => {
                  const copy = await options.worth(url, response);
                  if (copy) await cache.put(options.keyOf(url, false), copy);
                })
                .catch(() => null)
            )
          ).then(() => event.source && event.source.postMessage({ kept: urls.length }))
        )
      );
    }
  });
};
