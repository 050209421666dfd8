/*
 * A speech's lower third: the speaker's name and title over the wall while the speech runs. The server
 * says when (view.cue.lower_third: only while the wall shows the speech's look, never in the safe look);
 * this only slides it in and out.
 */
const box = document.getElementById("caption");
let shown = null;

export function showCaption(caption, live) {
  if (!box) return;
  const key = caption ? [caption.cue_id, caption.name, caption.role].join("|") : null;
  if (key === shown) return;
  shown = key;
  // A catch-up (reload, reconnect) puts it in place at once; only a GO slides it in.
  box.classList.toggle("still", !live);
  document.body.classList.toggle("has-caption", !!caption);
  if (!caption) {
    box.classList.remove("on");
    return;
  }
  box.querySelector(".caption-name").textContent = caption.name || "";
  const role = box.querySelector(".caption-role");
  role.textContent = caption.role || "";
  role.hidden = !caption.role;
  box.classList.remove("on");
  void box.offsetWidth;
  box.classList.add("on");
}
