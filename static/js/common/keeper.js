/*
 * A page kept by its service worker (the wall's display/sw.js, the console's console/sw.js, both built on
 * common/keeper-sw.js): a reload while the server is down shows the last picture instead of the browser's
 * error page. Browsers offer service workers on a secure origin only (see the README).
 *
 * keepPage(script, scope, {current, onKept}) registers the worker, hands it what the first load fetched
 * before it was there to keep it, and returns keep(view): the worker keeps each view the page draws as the
 * answer to GET /api/v1/state. current() is the view drawn so far; onKept(n) hears how many answers the
 * worker holds.
 */
export function keepPage(script, scope, { current, onKept }) {
  const workers = "serviceWorker" in navigator ? navigator.serviceWorker : null;
  if (!workers) return () => {};
  workers.register(script, { scope }).catch(() => {});
  workers.addEventListener("message", (event) => {
    if (event.data && typeof event.data.kept === "number") onKept(event.data.kept);
  });
  workers.ready.then((registration) => {
    const urls = [window.location.href, ...performance.getEntriesByType("resource").map((e) => e.name)];
    registration.active.postMessage({ keep: urls });
    const view = current();
    if (view) registration.active.postMessage({ state: view });
  });
  return (view) => {
    if (workers.controller) workers.controller.postMessage({ state: view });
  };
}
