/*
 * The list of devices that hold credentials (GET /api/v1/devices), drawn the same on the console and in
 * the admin: each session, token and paired screen with its role, last activity and whether it is
 * connected, and a sign-out button that asks once more before it acts (a second tap within 4 s). The
 * server wrote every label (role_text, last_seen_text); this only lays them out.
 */
import { add, clear, el } from "./dom.js";
import { t } from "./words.js";

const KIND_WORD = {
  session: "dev_kind_session",
  token: "dev_kind_token",
  screen: "dev_kind_screen",
  pad: "dev_kind_pad",
};
const OUT_WORD = { session: "dev_sign_out", token: "dev_revoke", screen: "dev_unpair", pad: "dev_cut_pad" };
const ARM_MS = 4000;

/** A button that needs two taps: the first shows the question, the second within ARM_MS acts. */
export function twoTap(button, label, question, act) {
  let armed = null;
  button.textContent = label;
  button.addEventListener("click", () => {
    if (button.disabled) return;
    if (!armed) {
      button.textContent = question;
      button.classList.add("is-armed");
      armed = setTimeout(() => {
        armed = null;
        button.textContent = label;
        button.classList.remove("is-armed");
      }, ARM_MS);
      return;
    }
    clearTimeout(armed);
    armed = null;
    button.disabled = true;
    act(button);
  });
}

function row(d, options) {
  const li = el("li", "dev-row is-" + d.kind + (d.online ? " is-online" : "") + (d.this_device ? " is-me" : ""));
  li.setAttribute("data-device", d.id);
  li.setAttribute("data-kind", d.kind);
  const who = el("div", "dev-who");
  const title = el("div", "dev-name");
  add(title, el("span", "dev-dot", ""), el("span", "dev-name-text", d.name));
  if (d.this_device) title.appendChild(el("span", "dev-tag", t("dev_this")));
  who.appendChild(title);
  const facts = [t(KIND_WORD[d.kind])];
  if (d.role_text) facts.push(d.scope_text ? d.scope_text + " · " + d.role_text : d.role_text);
  facts.push(d.online ? t("dev_online") : d.last_seen_text ? t("dev_seen", { when: d.last_seen_text }) : t("dev_never"));
  if (d.addr) facts.push(d.addr);
  who.appendChild(el("div", "dev-facts", facts.join(" · ")));
  li.appendChild(who);
  if (options.canSignOut && !d.this_device) {
    const button = el("button", "small-btn danger-outline dev-out");
    button.type = "button";
    twoTap(button, t(OUT_WORD[d.kind]), t("dev_sure"), (b) => options.onSignOut(d, b));
    li.appendChild(button);
  }
  return li;
}

/**
 * Draw ``data`` ({devices, waiting}) into ``list`` (an <ol>) and ``waitingList`` (optional). options:
 * canSignOut, onSignOut(device, button), canPair, onPair(waitingEntry, button), kinds (filter).
 */
export function renderDevices(list, data, options) {
  clear(list);
  const devices = (data.devices || []).filter((d) => !options.kinds || options.kinds.includes(d.kind));
  if (!devices.length) list.appendChild(el("li", "dev-empty", t("dev_none")));
  for (const d of devices) list.appendChild(row(d, options));
  const box = options.waitingList;
  if (!box) return;
  clear(box);
  const waiting = data.waiting || [];
  box.hidden = !waiting.length;
  for (const w of waiting) {
    const li = el("li", "dev-row is-waiting");
    li.setAttribute("data-code", w.code);
    const who = el("div", "dev-who");
    who.appendChild(el("div", "dev-name", w.name));
    who.appendChild(el("div", "dev-facts", [t("dev_waiting"), w.addr].filter(Boolean).join(" · ")));
    li.appendChild(who);
    li.appendChild(el("span", "dev-code", w.code));
    if (options.canPair) {
      const button = el("button", "small-btn primary dev-pair", t("dev_pair"));
      button.type = "button";
      button.addEventListener("click", () => {
        button.disabled = true;
        options.onPair(w, button);
      });
      li.appendChild(button);
    }
    box.appendChild(li);
  }
}
