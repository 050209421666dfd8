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
importScripts("/static/js/common/keeper-sw.js");

self.kioskKeeper({
  cache: "kiosk-wall-v1",
  kept: (url) =>
    url.origin === self.location.origin &&
    !url.pathname.startsWith("/socket.io/") &&
    !url.pathname.startsWith("/display/qr/") &&
    !url.pathname.startsWith("/display/pair/"),
  // One copy per address, whatever its ?v= version: the cache does not grow with every signing. The page
  // itself is kept with its query (?name=, ?layout=).
  keyOf: (url, navigate) => (navigate || url.pathname === "/display" ? url.href : url.origin + url.pathname),
  worth: async (url, response) => (response.ok && response.type === "basic" ? response : null),
  // The wall opened with another query than the one kept: the kept page still beats an error.
  fallback: (request, cache) =>
    request.mode === "navigate" ? cache.match(self.location.origin + "/display", { ignoreSearch: true }) : undefined,
});
