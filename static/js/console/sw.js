/*
 * The console's service worker (scope /control): a tablet that reloads while the server is down, or
 * whose browser restarts on the way to the stage, comes back to the console as it last saw it instead of
 * the browser's error page: read-only (a kept page carries no live session), and it reloads by itself once
 * the server answers again.
 *
 * Kept, network first: the console page itself (only the console, never the PIN pad), its styles, scripts
 * and words, and the last operator view the page drew (the page posts each one here), which answers
 * GET /api/v1/state while the server cannot. Never kept: Socket.IO, commands and every other API call,
 * the wall pages the monitors show (they have their own worker).
 */
const CACHE = "kiosk-console-v1";
const STATE = "/api/v1/state";
const PAGE = "/control";
const PATIENCE_MS = 2500;

function kept(url) {
  if (url.origin !== self.location.origin) return false;
  return url.pathname === PAGE || url.pathname === STATE || url.pathname.startsWith("/static/");
}

function keyOf(request) {
  const url = new URL(request.url);
  return url.origin + url.pathname;
}

// The kept page says that it is one, so the console knows to stay read-only (console/main.js).
async function asKept(response) {
  const html = await response.text();
  const marked = html.replace('<body class="console-page', '<body data-kept="1" class="console-page');
  return new Response(marked, { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  const key = keyOf(request);
  const network = fetch(request).then(async (response) => {
    const url = new URL(request.url);
    // Only a console is kept as the page: an answer with the PIN pad (signed out) is not the console.
    const worth = response.ok && response.type === "basic" &&
      (url.pathname !== PAGE || response.headers.get("X-Kiosk-Page") === "console") && url.pathname !== STATE;
    if (worth) await cache.put(key, url.pathname === PAGE ? await asKept(response.clone()) : response.clone());
    return response;
  });
  try {
    return await Promise.race([
      network,
      new Promise((_, reject) => setTimeout(() => reject(new Error("no answer in time")), PATIENCE_MS)),
    ]);
  } catch (err) {
    const hit = await cache.match(key);
    if (hit) return hit;
    return network;
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
    const body = JSON.stringify(data.state);
    event.waitUntil(
      caches.open(CACHE).then((cache) =>
        cache.put(self.location.origin + STATE, new Response(body, { headers: { "Content-Type": "application/json" } }))
      )
    );
  }
  if (Array.isArray(data.keep)) {
    // What the first load fetched before this worker controlled the page: fetch and keep it now.
    const urls = data.keep.map((u) => new URL(u, self.location.origin)).filter((u) => kept(u) && u.pathname !== STATE);
    event.waitUntil(
      caches.open(CACHE).then((cache) =>
        Promise.all(
          urls.map((url) =>
            fetch(url.href, { credentials: "same-origin" })
              .then(async (r) => {
                if (!r.ok) return null;
                if (url.pathname !== PAGE) return cache.put(url.origin + url.pathname, r);
                if (r.headers.get("X-Kiosk-Page") !== "console") return null;
                return cache.put(url.origin + url.pathname, await asKept(r));
              })
              .catch(() => null)
          )
        ).then(() => event.source && event.source.postMessage({ kept: urls.length }))
      )
    );
  }
});
