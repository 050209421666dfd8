/*
 * A page's words, as the server sent them: no page script holds a word of its own.
 *
 * The page's template renders its words in the event's language into <script id="kiosk-words">; when the
 * event's language changes while the page stays open (the big screen is never reloaded), ensureLanguage()
 * fetches the same words in the new language from /words/<surface>.<lang>.json and redraws every
 * [data-t] label. Placeholders are gettext's %(name)s, as in the server's catalogue.
 */
import { pageData } from "./dom.js";
import { get } from "./http.js";

let current = pageData("kiosk-words") || { lang: "zh", surface: "", words: {} };
let loading = null;

export function lang() {
  return current.lang;
}

/** The word ``key`` with its %(name)s placeholders filled from ``params``. */
export function t(key, params) {
  let text = current.words[key];
  if (text === undefined) return key;
  if (params) {
    text = text.replace(/%\((\w+)\)s/g, (whole, name) => (name in params ? String(params[name]) : whole));
  }
  return text;
}

/**
 * The word ``key`` as nodes, where a placeholder may stand for a node (a project name in <strong>, the
 * number in its own <span>); other placeholders are filled from ``params`` as text.
 */
export function tNodes(key, nodes, params) {
  const text = t(key, params);
  const parts = text.split(/(%\(\w+\)s)/);
  const out = [];
  for (const part of parts) {
    const m = /^%\((\w+)\)s$/.exec(part);
    if (m && nodes && nodes[m[1]]) out.push(nodes[m[1]]);
    else if (part) out.push(document.createTextNode(part));
  }
  return out;
}

/** Fill every [data-t] label under ``root`` from the words. */
export function applyWords(root = document) {
  for (const node of root.querySelectorAll("[data-t]")) {
    const text = t(node.getAttribute("data-t"));
    if (node.textContent !== text) node.textContent = text;
  }
  for (const node of root.querySelectorAll("[data-t-title]")) node.title = t(node.getAttribute("data-t-title"));
  for (const node of root.querySelectorAll("[data-t-placeholder]")) node.placeholder = t(node.getAttribute("data-t-placeholder"));
  for (const node of root.querySelectorAll("[data-t-aria]")) node.setAttribute("aria-label", t(node.getAttribute("data-t-aria")));
}

/**
 * Make sure the words are in ``next`` (the event's language from the latest view). Resolves to true when
 * they changed (the caller redraws). If the fetch fails the page keeps its words and tries again later.
 */
export function ensureLanguage(next) {
  if (!next || next === current.lang) return Promise.resolve(false);
  if (loading && loading.lang === next) return loading.promise;
  const surface = current.surface;
  const promise = get(`/words/${encodeURIComponent(surface)}.${encodeURIComponent(next)}.json`, { timeout: 10000 })
    .then((res) => (res.status === 200 ? res.data : null))
    .then((words) => {
      loading = null;
      if (!words || !words.words) return false;
      current = words;
      document.documentElement.lang = words.lang === "en" ? "en" : "zh-CN";
      document.documentElement.setAttribute("data-lang", words.lang);
      applyWords();
      return true;
    })
    .catch(() => {
      loading = null;
      return false;
    });
  loading = { lang: next, promise };
  return promise;
}
