/*
 * The big screen's service worker (scope /display): the wall never shows the browser's error page.
 *
 * Everything the wall loads from this server goes to the network first and is kept; when the server
 * cannot be reached (it is restarting, the venue router dropped, the wall PC rebooted before the
 * server came back) the kept copy answers instead: the page, its styles, scripts and fonts, the event's
 * pictures, and the last view the wall drew (the page posts each one here). The wall then shows its last
 * picture and catches up by itself once the server answers again. Never kept: Socket.IO, and the golden
 * key's QR image (a card's address stays on the server).
 *
 * A service worker needs a secure origin: localhost, https, or Chromium started with
 * --unsafely-treat-insecure-origin-as-secure=<the server's address> (printed by `python -m kiosk serve`).
 */
const CACHE = "kiosk-wall-v1";
const STATE = "/api/v1/state";

function kept(url) {
  return (
    url.origin === self.location.origin &&
    !url.pathname.startsWith("/socket.io/") &&
    !url.pathname.startsWith("/display/qr/") &&
    !url.pathname.startsWith("/display/pair/")
  );
}

// One copy per address, whatever its ?v= version: the cache does not grow with every signing.
function keyOf(request) {
  const url = new URL(request.url);
  return request.mode === "navigate" ? url.href : url.origin + url.pathname;
}

// A link that hangs (a venue router gone half-open) must not keep the wall waiting: past this, the kept
// copy answers, and the network's answer, when it comes, is still kept for next time.
const PATIENCE_MS = 2500;

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  const network = fetch(request).then(async (response) => {
    if (response.ok && response.type === "basic") await cache.put(keyOf(request), response.clone());
    return response;
  });
  try {
    return await Promise.race([
      network,
      new Promise((_, reject) => setTimeout(() => reject(new Error("no answer in time")), PATIENCE_MS)),
    ]);
  } catch (err) {
    const hit =
      (await cache.match(keyOf(request))) ||
      (request.mode === "navigate" && (await cache.match(self.location.origin + "/display", { ignoreSearch: true })));
    if (hit) return hit;
    return network; // nothing kept: the network's answer (or its failure) after all
  }
}

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || !kept(url)) return;
  event.respondWith(networkFirst(event.request));
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.state) {
    // The view the wall just drew: the picture to come back to.
    const body = JSON.stringify(data.state);
    event.waitUntil(
      caches.open(CACHE).then((cache) =>
        cache.put(self.location.origin + STATE, new Response(body, { headers: { "Content-Type": "application/json" } }))
      )
    );
  }
  if (Array.isArray(data.keep)) {
    // What the page loaded before this worker controlled it (its first load): fetch and keep it now.
    const urls = data.keep.map((u) => new URL(u, self.location.origin)).filter(kept);
    event.waitUntil(
      caches.open(CACHE).then((cache) =>
        Promise.all(
          urls.map((url) =>
            fetch(url.href).then((r) => (r.ok ? cache.put(url.pathname === "/display" ? url.href : url.origin + url.pathname, r) : null)).catch(() => null)
          )
        ).then(() => event.source && event.source.postMessage({ kept: urls.length }))
      )
    );
  }
});
