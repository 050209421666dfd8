/* Short messages in a corner box: at most three at a time, each leaving after its time. */
import { el } from "./dom.js";

export function toast(box, text, kind, ms) {
  const node = el("div", "toast is-" + (kind || "info"), text);
  node.setAttribute("role", kind === "error" ? "alert" : "status");
  box.appendChild(node);
  while (box.children.length > 3) box.removeChild(box.firstChild);
  setTimeout(() => {
    node.classList.add("is-leaving");
    setTimeout(() => node.remove(), 300);
  }, ms || 3000);
  return node;
}
