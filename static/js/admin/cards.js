/*
 * Admin section 4 — the golden-key cards: each project's concierge card.
 *
 * The contact (name, title, phone, e-mail, WeChat), the services (the event's default list or the card's
 * own, edited as tags) and notes; the QR code and the card's address, open / print / PDF, and a new
 * address after a warning that printed cards stop working. Cards are private: they are never broadcast,
 * so the card on screen is fetched again whenever the ceremony's state moves and nothing is being edited.
 */
import { $, clear, el, setText } from "../common/dom.js";
import { t } from "../common/words.js";
import { clearErrors, confirmDialog, copyText, errorMessage, get, isShown } from "./shell.js";
import { section, send, settings, showErrors, toast } from "./shell.js";

const TEXT = ["contact_name", "contact_title", "contact_phone", "contact_email", "contact_wechat", "notes"];
// The event's default list and the most a card may hold come from the server, as the rules live there.
const DEFAULT_SERVICES = settings.default_services || [];
const MAX_SERVICES = settings.limits.services.max_items;

let projects = [],
  concierges = {},
  selected = null,
  card = null,
  baseline = null;
let services = [],
  useDefault = true,
  defaults = DEFAULT_SERVICES.slice();
let loadSeq = 0,
  refetchTimer = null,
  qrNonce = 0;
let form;

function projectById(id) {
  return projects.find((p) => p.id === id) || null;
}

// ---------------------------------------------------------------------------------------------------
// The list of projects
// ---------------------------------------------------------------------------------------------------

function renderList() {
  const list = $("card-list");
  clear(list);
  projects.forEach((p) => {
    const li = el("li");
    const b = el("button", "card-item" + (p.id === selected ? " is-selected" : ""));
    b.type = "button";
    b.setAttribute("data-id", p.id);
    b.appendChild(el("span", "order-dot", p.order));
    const text = el("span", "card-item-text");
    text.appendChild(el("div", "card-item-name", p.name));
    const who = concierges[p.id];
    const sub = el(
      "div",
      "card-item-sub" + (who && who.name ? "" : " is-missing"),
      who && who.name ? who.name : t("no_contact")
    );
    text.appendChild(sub);
    b.appendChild(text);
    li.appendChild(b);
    list.appendChild(li);
  });
}

function loadConcierges() {
  get("/api/v1/projects").then((res) => {
    if (res.status !== 200 || !res.data) return;
    concierges = {};
    res.data.projects.forEach((p) => {
      concierges[p.id] = { name: p.concierge_name || "" };
    });
    renderList();
  });
}

// ---------------------------------------------------------------------------------------------------
// The card
// ---------------------------------------------------------------------------------------------------

function formValues() {
  const v = {};
  TEXT.forEach((k) => {
    v[k] = form.elements[k].value.trim();
  });
  v.services = useDefault ? null : services.slice();
  return v;
}

function cardValues(c) {
  const v = {};
  TEXT.forEach((k) => {
    v[k] = c[k] || "";
  });
  v.services = c.services_are_default ? null : (c.services || []).slice();
  return v;
}

function dirty() {
  return !!(card && baseline && JSON.stringify(formValues()) !== JSON.stringify(baseline));
}

function syncDirty() {
  const d = dirty();
  $("card-dirty").hidden = !d;
  $("card-revert").disabled = !d;
}

function renderTags() {
  const box = $("services-tags");
  clear(box);
  box.classList.toggle("is-default", useDefault);
  const shown = useDefault ? defaults : services;
  shown.forEach((name, i) => {
    const tag = el("span", "tag");
    tag.appendChild(el("span", null, name));
    const x = el("button", null, "×");
    x.type = "button";
    x.setAttribute("data-index", i);
    x.setAttribute("aria-label", t("remove") + " " + name);
    tag.appendChild(x);
    box.appendChild(tag);
  });
  $("services-default").checked = useDefault;
  $("services-add").hidden = useDefault;
  const input = $("services-input");
  input.placeholder = services.length >= MAX_SERVICES ? t("services_full") : t("services_placeholder");
  input.disabled = !useDefault && services.length >= MAX_SERVICES;
}

function fillCard(c) {
  card = c;
  baseline = cardValues(c);
  TEXT.forEach((k) => {
    form.elements[k].value = c[k] || "";
  });
  useDefault = !!c.services_are_default;
  if (useDefault) defaults = (c.services || []).slice();
  services = (c.services || []).slice();
  clearErrors(form);
  setText($("card-message"), "");
  renderTags();
  renderCardTop();
  syncDirty();
}

function renderCardTop() {
  const p = projectById(selected);
  if (!card || !p) return;
  setText($("card-order"), p.order);
  setText($("card-project-name"), p.name);
  setText($("card-investor"), p.investor);
  $("card-url").value = card.url;
  $("card-qr").src = card.qr_svg + "?n=" + qrNonce;
  $("card-qr-link").href = card.url;
  $("card-open").href = card.url;
  $("card-print").href = card.print;
  $("card-pdf").href = card.pdf;
  $("card-png").href = card.qr_png;
  const warning = $("card-warning");
  setText(warning, card.warning || "");
  warning.hidden = !card.warning;
}

function load(id, quiet) {
  const mine = ++loadSeq;
  get("/api/v1/projects/" + encodeURIComponent(id) + "/card").then((res) => {
    if (mine !== loadSeq || id !== selected) return;
    if (res.status === 200 && res.data) {
      if (quiet && dirty()) return;
      fillCard(res.data);
      $("card-empty").hidden = true;
      $("card-body").hidden = false;
    } else if (res.status === 404) {
      pickFirst();
    } else if (res.status !== 401 && !quiet) {
      toast(errorMessage(res), "error", 5000);
    }
  });
}

function select(id) {
  if (id === selected) return;
  function go() {
    selected = id;
    card = null;
    baseline = null;
    renderList();
    if (id) {
      load(id);
    } else {
      $("card-body").hidden = true;
      $("card-empty").hidden = false;
    }
  }
  if (dirty()) {
    const p = projectById(selected);
    confirmDialog({
      title: t("card_dirty_switch", { name: p ? p.name : "" }),
      ok: t("discard"),
      cancel: t("keep_editing"),
      danger: true,
    }).then((yes) => {
      if (yes) go();
    });
  } else {
    go();
  }
}

function pickFirst() {
  selected = null;
  select(projects.length ? projects[0].id : null);
}

function save(e) {
  e.preventDefault();
  if (!card || !selected) return;
  const id = selected;
  const body = formValues();
  clearErrors(form);
  setText($("card-message"), "");
  const button = $("card-save");
  button.classList.add("is-busy");
  send("PUT", "/api/v1/projects/" + encodeURIComponent(id) + "/card", body).then((res) => {
    button.classList.remove("is-busy");
    if (id !== selected) return;
    if (res.status === 200 && res.data) {
      fillCard(res.data);
      toast(t("card_saved"), "ok", 2000);
      loadConcierges();
      return;
    }
    if (res.status === 400 && res.data && res.data.errors) {
      const left = showErrors(form, res.data.errors);
      setText($("card-message"), left.length ? res.data.message : t("fix_fields"));
    } else if (res.status !== 401) {
      setText($("card-message"), errorMessage(res));
    }
  });
}

function rotate() {
  const p = projectById(selected);
  if (!p || !card) return;
  const id = p.id;
  confirmDialog({
    title: t("rotate_q", { name: p.name }),
    text: [{ warn: t("rotate_text") }],
    ok: t("rotate_ok"),
    danger: true,
  }).then((yes) => {
    if (!yes) return;
    send("POST", "/api/v1/projects/" + encodeURIComponent(id) + "/card/rotate").then((res) => {
      if (res.status === 200 && res.data) {
        if (id === selected) {
          qrNonce += 1;
          card = res.data;
          renderCardTop();
        }
        toast(t("rotated", { name: p.name }), "warn", 5000);
      } else if (res.status !== 401) {
        toast(errorMessage(res), "error", 5000);
      }
    });
  });
}

function addService() {
  const input = $("services-input");
  const name = input.value.trim();
  if (!name) return;
  if (services.length >= MAX_SERVICES) return;
  if (services.indexOf(name) < 0) services.push(name);
  input.value = "";
  renderTags();
  syncDirty();
  input.focus();
}

function init() {
  form = $("card-form");
  $("card-list").addEventListener("click", (e) => {
    const b = e.target.closest(".card-item");
    if (b) select(b.getAttribute("data-id"));
  });
  form.addEventListener("submit", save);
  form.addEventListener("input", (e) => {
    const field = e.target.closest(".field");
    if (field && field.classList.contains("is-invalid")) {
      field.classList.remove("is-invalid");
      setText(field.querySelector(".field-error"), "");
    }
    syncDirty();
  });
  $("card-revert").addEventListener("click", () => {
    if (card) fillCard(card);
  });
  $("card-copy").addEventListener("click", () => {
    if (card) copyText(card.url, $("card-copy"));
  });
  $("card-rotate").addEventListener("click", rotate);
  $("services-default").addEventListener("change", () => {
    useDefault = $("services-default").checked;
    if (!useDefault && !services.length) services = defaults.slice();
    if (!useDefault && card && card.services_are_default) services = defaults.slice();
    renderTags();
    syncDirty();
  });
  $("services-tags").addEventListener("click", (e) => {
    const x = e.target.closest("button[data-index]");
    if (!x || useDefault) return;
    services.splice(parseInt(x.getAttribute("data-index"), 10), 1);
    renderTags();
    syncDirty();
  });
  $("services-input").addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      addService();
    }
  });
  $("services-add-btn").addEventListener("click", addService);
}

function onState(s) {
  projects = s.projects.slice();
  if (!isShown("cards")) return;
  if (!selected || !projectById(selected)) {
    card = null;
    baseline = null;
    pickFirst();
    return;
  }
  renderList();
  renderCardTop();
  clearTimeout(refetchTimer);
  refetchTimer = setTimeout(() => {
    loadConcierges();
    if (selected && !dirty()) load(selected, true);
  }, 200);
}

section({
  id: "cards",
  init,
  state: onState,
  show(s) {
    if (s) projects = s.projects.slice();
    loadConcierges();
    if (!selected || !projectById(selected)) pickFirst();
    else {
      renderList();
      if (!dirty()) load(selected, true);
    }
  },
  language() {
    renderList();
    renderTags();
  },
});
