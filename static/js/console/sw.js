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
importScripts("/static/js/common/keeper-sw.js");

const PAGE = "/control";
const STATE = "/api/v1/state";

// The kept page says that it is one, so the console knows to stay read-only (console/main.js).
async function asKept(response) {
  const html = await response.text();
  const marked = html.replace('<body class="console-page', '<body data-kept="1" class="console-page');
  return new Response(marked, { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.kioskKeeper({
  cache: "kiosk-console-v1",
  kept: (url) =>
    url.origin === self.location.origin &&
    (url.pathname === PAGE || url.pathname === STATE || url.pathname.startsWith("/static/")),
  keyOf: (url) => url.origin + url.pathname,
  worth: async (url, response) => {
    if (!response.ok || response.type !== "basic" || url.pathname === STATE) return null; // (the view: posted)
    if (url.pathname !== PAGE) return response;
    // Only a console is kept as the page: an answer with the PIN pad (signed out) is not the console.
    return response.headers.get("X-Kiosk-Page") === "console" ? asKept(response) : null;
  },
});
