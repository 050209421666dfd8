/*
 * Pictures the server draws from the view (a chart, the golden key's QR code). Each carries its address
 * without a version; refreshImages() appends ?v=<log>-<seq> so it is fetched again whenever the view
 * moves (a rotated card address, a new signing). Until its picture arrives, and should it ever fail, it is
 * hidden: the wall never shows a broken image. A later version replaces the picture on screen only once
 * it has arrived whole, so a failed fetch changes nothing.
 */
import { el } from "../common/dom.js";

export function liveImage(className, base, alt, holder) {
  const img = el("img", className);
  img.alt = alt || "";
  img.decoding = "async";
  img.setAttribute("data-base", base);
  const box = holder || img;
  box.classList.add("img-pending");
  img.addEventListener("load", () => {
    box.classList.remove("img-pending", "img-failed");
    if (img._onload) img._onload(img);
  });
  img.addEventListener("error", () => box.classList.add("img-failed"));
  return img;
}

export function refreshImages(root, view) {
  if (!root) return;
  const version = "?v=" + encodeURIComponent(String(view.log_id || "")) + "-" + view.seq;
  for (const img of root.querySelectorAll("img[data-base]")) setImage(img, img.getAttribute("data-base") + version);
}

/** Point ``img`` at ``src``; a picture already on screen is replaced only once the new one has arrived whole. */
export function setImage(img, src) {
  if (img.getAttribute("src") === src || img._want === src) return;
  img._want = src;
  if (!img.getAttribute("src") || !img.naturalWidth) {
    img.setAttribute("src", src);
    return;
  }
  const probe = new Image();
  probe.onload = () => {
    if (img._want === src) img.setAttribute("src", src);
  };
  probe.src = src;
}
