/*
 * The small DOM helpers every page shares. Text only ever goes into the page through textContent: project
 * names come from Excel files that someone else typed.
 */

export function $(id) {
  return document.getElementById(id);
}

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function setText(node, text) {
  const value = text === undefined || text === null ? "" : String(text);
  if (node.textContent !== value) node.textContent = value;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/** Append children (nodes or strings; null and false are skipped); returns the parent. */
export function add(parent, ...children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return parent;
}

export function pad2(n) {
  return (n < 10 ? "0" : "") + n;
}

/**
 * "10:32:05" of a Date: the one way a page writes a time of day. With ``offsetMin`` (a UTC offset in
 * minutes) the time in that zone, as the MC's monitor keeps the venue's; without, this device's clock.
 */
export function clockText(date, offsetMin) {
  if (typeof offsetMin !== "number") return [date.getHours(), date.getMinutes(), date.getSeconds()].map(pad2).join(":");
  const d = new Date(date.getTime() + offsetMin * 60000);
  return [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()].map(pad2).join(":");
}

/** Restart a CSS animation on ``node`` by toggling ``className``. */
export function flash(node, className = "is-flash") {
  node.classList.remove(className);
  void node.offsetWidth;
  node.classList.add(className);
}

/** A JSON block the server rendered into the page (``<script type="application/json" id=...>``). */
export function pageData(id) {
  const node = document.getElementById(id);
  if (!node) return null;
  try {
    return JSON.parse(node.textContent);
  } catch (e) {
    return null;
  }
}

export function storageGet(key) {
  try {
    return window.localStorage.getItem(key);
  } catch (e) {
    return null;
  }
}

export function storageSet(key, value) {
  try {
    window.localStorage.setItem(key, value);
  } catch (e) {
    /* private mode: keep it for this page */
  }
}

/**
 * Reload the page, unless it reloaded (or was held back) for the same ``reason`` within ``guardMs``: a page
 * the server keeps turning away must not reload in a loop. True when it reloads.
 */
export function reloadOnce(reason, guardMs) {
  const key = "kiosk-" + reason + "-reload";
  let last = 0;
  try {
    last = parseInt(window.sessionStorage.getItem(key) || "0", 10);
    window.sessionStorage.setItem(key, String(Date.now()));
  } catch (e) {
    last = 0;
  }
  if (Date.now() - last <= guardMs) return false;
  window.location.reload();
  return true;
}

/** Give a canvas a backing store of w × h device pixels (whole, at least 1); true when that changed it. */
export function sizeBacking(canvas, w, h) {
  const pw = Math.max(1, Math.round(w));
  const ph = Math.max(1, Math.round(h));
  if (canvas.width === pw && canvas.height === ph) return false;
  canvas.width = pw;
  canvas.height = ph;
  return true;
}

/** The event's pictures are served by this server under /media/ (content-hashed names); nothing else. */
export function mediaUrl(url) {
  return typeof url === "string" && /^\/media\/[\w.-]+$/.test(url) ? url : null;
}

/** Show ``img`` with ``url`` (fetched again only when it changed), or hide it when there is none. */
export function showImage(img, url) {
  if (url) {
    if (img.getAttribute("src") !== url) img.src = url;
    img.hidden = false;
  } else {
    img.hidden = true;
    img.removeAttribute("src");
  }
}
