/*
 * The one way the pages talk JSON to the server: same-origin, no cache, the session's CSRF token on
 * writes, an optional time limit. Resolves to {status, data} (data null when the answer is not JSON);
 * rejects only when no answer came (network down, timeout).
 */

const meta = document.querySelector('meta[name="csrf-token"]');
export const csrf = meta ? meta.getAttribute("content") : "";

export function request(method, path, body, options = {}) {
  const headers = Object.assign({ "X-CSRF-Token": csrf }, options.headers || {});
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const controller = new AbortController();
  const timer = options.timeout ? setTimeout(() => controller.abort(), options.timeout) : null;
  return fetch(path, {
    method,
    credentials: "same-origin",
    cache: "no-store",
    headers,
    body: payload,
    signal: controller.signal,
  })
    .then((r) =>
      r.text().then((text) => {
        let data = null;
        try {
          data = JSON.parse(text);
        } catch (e) {
          data = null;
        }
        return { status: r.status, data };
      })
    )
    .finally(() => {
      if (timer) clearTimeout(timer);
    });
}

export const get = (path, options) => request("GET", path, undefined, options);
