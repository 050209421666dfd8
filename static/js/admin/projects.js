/*
 * Admin section 2 — projects: the running order as an editable list.
 *
 * Add and edit in a dialog with the import's fields (the server validates them exactly like an import row
 * and its per-field errors are shown next to each field), delete after asking (never a signed project),
 * reorder by dragging the handle (pointer events: mouse, pen and finger alike) or with ↑ ↓.
 * The list is drawn from the live state, so edits from the console or the command line show at once.
 */
import { $, clear, el, setText } from "../common/dom.js";
import { t } from "../common/words.js";
import { adopt, chip, clearErrors, confirmDialog, currentState, errorMessage, get } from "./shell.js";
import { refresh, section, send, settings, showErrors, toast } from "./shell.js";

// Suggestions for the industry field: the names the server knows (in the event's language).
const INDUSTRIES = settings.industries || [];

let list,
  projects = [],
  concierges = {},
  saving = 0,
  queue = Promise.resolve(),
  drag = null,
  flashId = null;
let dialog,
  dform,
  editing = null; // editing: {id|null}
let fetchTimer = null;

// ---------------------------------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------------------------------

function iconButton(action, glyph, label) {
  const b = el("button", "icon-btn", glyph);
  b.type = "button";
  b.setAttribute("data-action", action);
  b.setAttribute("aria-label", label);
  b.title = label;
  return b;
}

function rowFor(p, index, count) {
  const li = el("li", "prow");
  li.setAttribute("data-id", p.id);
  li.setAttribute("data-status", p.status);

  const handle = el("button", "handle", "⠿");
  handle.type = "button";
  handle.setAttribute("data-action", "drag");
  handle.setAttribute("aria-label", t("drag"));
  handle.title = t("drag");
  handle.disabled = count < 2;
  li.appendChild(handle);

  li.appendChild(el("span", "order-dot", p.order));

  const main = el("div", "p-main");
  main.appendChild(el("div", "p-name", p.name));
  main.appendChild(el("div", "p-sub", p.investor));
  const meta = el("div", "p-meta");
  const bits = [];
  if (p.industry) bits.push(p.industry_label);
  if (p.land) bits.push(p.land.text);
  const who = concierges[p.id];
  if (who && who.name) bits.push(t("concierge") + " " + who.name + (who.phone ? " " + who.phone : ""));
  bits.forEach((bit, i) => {
    if (i) meta.appendChild(el("span", "sep", "·"));
    meta.appendChild(el("span", null, bit));
  });
  main.appendChild(meta);
  li.appendChild(main);

  const amount = el("div", "p-amount");
  amount.appendChild(el("b", null, (p.amount.prefix ? p.amount.prefix + " " : "") + p.amount.value));
  amount.appendChild(el("span", "unit", p.amount.unit));
  li.appendChild(amount);

  const status = el("div", "p-status");
  status.appendChild(chip(p));
  if (p.signed_time) status.appendChild(el("span", "p-time", p.signed_time));
  li.appendChild(status);

  const actions = el("div", "p-actions");
  const up = iconButton("up", "↑", t("move_up"));
  up.disabled = index === 0;
  const down = iconButton("down", "↓", t("move_down"));
  down.disabled = index === count - 1;
  const edit = el("button", "btn small", t("edit"));
  edit.type = "button";
  edit.setAttribute("data-action", "edit");
  const del = iconButton("delete", "✕", t("delete"));
  del.classList.add("is-danger");
  if (p.status === "signed") {
    // Not `disabled`: a tap on a tablet still tells why.
    del.classList.add("is-disabled-soft");
    del.setAttribute("aria-disabled", "true");
    del.title = t("delete_signed_reason");
    del.setAttribute("aria-label", t("delete_signed_reason"));
  }
  actions.appendChild(up);
  actions.appendChild(down);
  actions.appendChild(edit);
  actions.appendChild(del);
  li.appendChild(actions);
  return li;
}

function render() {
  if (drag) return; // redrawn when the drag ends
  const focused = document.activeElement;
  let keep = null;
  if (focused && list.contains(focused)) {
    const row = focused.closest(".prow");
    keep = row && { id: row.getAttribute("data-id"), action: focused.getAttribute("data-action") };
  }
  clear(list);
  projects.forEach((p, i) => {
    list.appendChild(rowFor(p, i, projects.length));
  });
  $("plist-empty").hidden = projects.length > 0;
  list.hidden = projects.length === 0;
  if (keep) {
    const again = list.querySelector('.prow[data-id="' + cssId(keep.id) + '"] [data-action="' + keep.action + '"]');
    if (again && !again.disabled) again.focus();
  }
  if (flashId) {
    const flashed = list.querySelector('.prow[data-id="' + cssId(flashId) + '"]');
    flashId = null;
    if (flashed) {
      flashed.classList.add("is-flash");
      flashed.scrollIntoView({ block: "nearest" });
    }
  }
  renderLead();
}

function cssId(id) {
  return String(id).replace(/["\\]/g, "\\$&");
}

function renderLead() {
  const s = currentState();
  if (!s) return;
  setText(
    $("projects-lead"),
    t("projects_lead", {
      count: s.project_count,
      total: s.planned.total.text,
      signed: s.signed_count,
    })
  );
  const note = $("projects-live-note");
  const rehearsal = s.mode === "rehearsal";
  const key = rehearsal ? "projects_rehearsal_note" : "projects_live_note";
  note.setAttribute("data-t", key);
  setText(note, t(key));
  note.className = "notice " + (rehearsal ? "is-rehearsal" : "is-live");
  note.hidden = !(rehearsal || s.signed_count > 0);
}

function loadConcierges() {
  clearTimeout(fetchTimer);
  fetchTimer = setTimeout(() => {
    get("/api/v1/projects").then((res) => {
      if (res.status !== 200 || !res.data) return;
      const next = {};
      res.data.projects.forEach((p) => {
        next[p.id] = { name: p.concierge_name || "", phone: p.concierge_phone || "" };
      });
      const changed = JSON.stringify(next) !== JSON.stringify(concierges);
      concierges = next;
      if (changed) render();
    });
  }, 120);
}

// ---------------------------------------------------------------------------------------------------
// Reordering
// ---------------------------------------------------------------------------------------------------

/**
 * Show the new order at once and save it. Moves made while a save is under way are queued behind it (each
 * request carries the whole order, so the last one wins); the list follows the server again once the
 * queue is empty, or at once after a refusal.
 */
function saveOrder(ids) {
  const byId = {};
  projects.forEach((p) => {
    byId[p.id] = p;
  });
  if (ids.some((id) => !byId[id])) return;
  projects = ids.map((id, i) => {
    const copy = {};
    Object.keys(byId[id]).forEach((k) => {
      copy[k] = byId[id][k];
    });
    copy.order = i + 1;
    return copy;
  });
  saving += 1;
  list.classList.add("is-saving");
  render();
  queue = queue.then(() =>
    send("PUT", "/api/v1/projects/order", { ids }).then((res) => {
      saving -= 1;
      const ok = res.status === 200 && res.data;
      if (ok) adopt(res.data.state);
      else if (res.status !== 401) toast(t("reorder_failed", { message: errorMessage(res) }), "error", 5000);
      if (!saving) {
        list.classList.remove("is-saving");
        const s = currentState();
        if (s) projects = s.projects.slice();
        render();
        if (ok) toast(t("reordered"), "ok", 1500);
        else refresh();
      }
    })
  );
}

function move(id, delta) {
  const ids = projects.map((p) => p.id);
  const from = ids.indexOf(id);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= ids.length) return;
  ids.splice(to, 0, ids.splice(from, 1)[0]);
  saveOrder(ids);
}

function startDrag(e, handle) {
  if (drag || projects.length < 2) return;
  if (e.pointerType === "mouse" && e.button !== 0) return;
  const row = handle.closest(".prow");
  const rows = [...list.children];
  const from = rows.indexOf(row);
  const top = list.getBoundingClientRect().top;
  drag = {
    pointerId: e.pointerId,
    row,
    rows,
    from,
    to: from,
    startY: e.clientY - top,
    tops: rows.map((r) => r.offsetTop),
    heights: rows.map((r) => r.offsetHeight),
  };
  try {
    handle.setPointerCapture(e.pointerId);
  } catch (err) {
    /* synthetic events */
  }
  row.classList.add("is-dragging");
  list.classList.add("is-sorting");
  rows.forEach((r) => {
    if (r !== row) r.classList.add("drop-gap");
  });
  e.preventDefault();
}

function moveDrag(e) {
  if (!drag || e.pointerId !== drag.pointerId) return;
  const content = $("content");
  const box = content.getBoundingClientRect();
  if (e.clientY < box.top + 40) content.scrollTop -= 12;
  else if (e.clientY > box.bottom - 40) content.scrollTop += 12;
  const y = e.clientY - list.getBoundingClientRect().top;
  const dy = y - drag.startY;
  const ownTop = drag.tops[drag.from] + dy;
  const centre = ownTop + drag.heights[drag.from] / 2;
  let to = 0;
  drag.rows.forEach((r, i) => {
    if (i === drag.from) return;
    if (drag.tops[i] + drag.heights[i] / 2 < centre) to += 1;
  });
  drag.to = to;
  drag.row.style.transform = "translateY(" + dy + "px)";
  const h = drag.heights[drag.from];
  drag.rows.forEach((r, i) => {
    if (i === drag.from) return;
    let shift = 0;
    if (drag.from < to && i > drag.from && i <= to) shift = -h;
    else if (to < drag.from && i >= to && i < drag.from) shift = h;
    r.style.transform = shift ? "translateY(" + shift + "px)" : "";
  });
  e.preventDefault();
}

function endDrag(e, cancelled) {
  if (!drag || (e && e.pointerId !== drag.pointerId)) return;
  const d = drag;
  drag = null;
  d.rows.forEach((r) => {
    r.style.transform = "";
    r.classList.remove("drop-gap", "is-dragging");
  });
  list.classList.remove("is-sorting");
  if (!cancelled && d.to !== d.from) {
    // The rows as they were when the drag began (a broadcast may have arrived meanwhile).
    const ids = d.rows.map((r) => r.getAttribute("data-id"));
    ids.splice(d.to, 0, ids.splice(d.from, 1)[0]);
    saveOrder(ids);
  } else {
    render();
  }
}

// ---------------------------------------------------------------------------------------------------
// Delete
// ---------------------------------------------------------------------------------------------------

function remove(p) {
  if (p.status === "signed") {
    toast(t("delete_signed_reason"), "warn", 4000);
    return Promise.resolve(false);
  }
  return confirmDialog({
    title: t("delete_q", { name: p.name }),
    text: [t("delete_text")],
    ok: t("delete"),
    danger: true,
  }).then((yes) => {
    if (!yes) return false;
    return send("DELETE", "/api/v1/projects/" + encodeURIComponent(p.id)).then((res) => {
      if (res.status === 200 && res.data) {
        adopt(res.data.state);
        toast(t("deleted", { name: p.name }), "ok", 2500);
        return true;
      }
      if (res.status !== 401) toast(errorMessage(res), "error", 5000);
      refresh();
      return false;
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// The add / edit dialog
// ---------------------------------------------------------------------------------------------------

const FIELDS = [
  "name",
  "investor",
  "land_mu",
  "industry",
  "signatories",
  "concierge_name",
  "concierge_phone",
  "summary",
  "name_en",
  "investor_en",
  "industry_en",
  "signatories_en",
];

function projectById(id) {
  return projects.find((p) => p.id === id) || null;
}

function fillIndustries() {
  const box = $("industry-list");
  clear(box);
  const seen = {};
  projects
    .map((p) => p.industry)
    .concat(INDUSTRIES)
    .forEach((name) => {
      if (!name || seen[name]) return;
      seen[name] = true;
      const o = document.createElement("option");
      o.value = name;
      box.appendChild(o);
    });
}

function countSummary() {
  setText($("summary-count"), dform.elements.summary.value.length + " / 500");
}

function dialogNote(p) {
  const note = $("project-dialog-live");
  const s = currentState();
  const onWall = p && s && s.screen === "spotlight" && s.spotlight_id === p.id;
  if (p && (onWall || p.status === "announced")) {
    setText(note, t("on_wall_note"));
    note.hidden = false;
  } else if (p && p.status === "signed") {
    setText(note, t("signed_note"));
    note.hidden = false;
  } else {
    note.hidden = true;
  }
  const status = $("project-dialog-status");
  setText(status, p ? p.status_text : "");
  status.className = "chip" + (p ? " is-" + p.status : "");
  const del = $("project-delete");
  del.hidden = !p;
  del.disabled = !!(p && p.status === "signed");
  setText($("project-delete-reason"), p && p.status === "signed" ? t("delete_signed_reason") : "");
}

function openDialog(p) {
  editing = { id: p ? p.id : null };
  clearErrors(dform);
  setText($("project-message"), "");
  setText($("project-dialog-title"), p ? t("edit_title", { order: p.order }) : t("add_title"));
  const who = (p && concierges[p.id]) || {};
  // What was typed, both languages (the view's names are the screens', English in an English event).
  const typed = (p && p.typed) || p || {};
  const v = {
    name: typed.name || "",
    investor: typed.investor || "",
    land_mu: (p && p.land_mu) || "",
    industry: typed.industry || "",
    signatories: (typed.signatories || []).join("、"),
    name_en: typed.name_en || "",
    investor_en: typed.investor_en || "",
    industry_en: typed.industry_en || "",
    signatories_en: (typed.signatories_en || []).join(", "),
    concierge_name: who.name || "",
    concierge_phone: who.phone || "",
    summary: (p && p.summary) || "",
  };
  FIELDS.forEach((k) => {
    dform.elements[k].value = v[k];
  });
  dform.elements.amount.value = p ? p.amount_yi : "";
  dform.elements.amount_unit.value = "yi";
  fillIndustries();
  countSummary();
  dialogNote(p);
  $("project-save").disabled = false;
  dialog.returnValue = "";
  dialog.showModal();
  dform.elements.name.focus();
  if (p) {
    // The concierge's name and phone live on the card: make sure the dialog shows the latest.
    get("/api/v1/projects").then((res) => {
      if (!res.data || !editing || editing.id !== p.id) return;
      res.data.projects.forEach((q) => {
        if (q.id !== p.id) return;
        if (dform.elements.concierge_name.value === v.concierge_name)
          dform.elements.concierge_name.value = q.concierge_name || "";
        if (dform.elements.concierge_phone.value === v.concierge_phone)
          dform.elements.concierge_phone.value = q.concierge_phone || "";
      });
    });
  }
}

function body() {
  const b = {};
  FIELDS.forEach((k) => {
    b[k] = dform.elements[k].value.trim();
  });
  b.summary = dform.elements.summary.value.trim();
  const amount = dform.elements.amount.value.trim();
  if (dform.elements.amount_unit.value === "wan") {
    b.amount_wan = amount;
    b.amount_yi = null;
  } else {
    b.amount_yi = amount;
    b.amount_wan = null;
  }
  return b;
}

function submit(e) {
  e.preventDefault();
  if (!editing) return;
  const target = editing;
  const data = body();
  clearErrors(dform);
  setText($("project-message"), "");
  const button = $("project-save");
  button.classList.add("is-busy");
  const request = target.id
    ? send("PUT", "/api/v1/projects/" + encodeURIComponent(target.id), data)
    : send("POST", "/api/v1/projects", data);
  request.then((res) => {
    button.classList.remove("is-busy");
    if ((res.status === 200 || res.status === 201) && res.data) {
      flashId = target.id || res.data.id;
      editing = null;
      dialog.close("saved");
      toast(t(target.id ? "updated" : "added", { name: data.name }), "ok", 2500);
      adopt(res.data.state);
      loadConcierges();
      return;
    }
    if (res.status === 400 && res.data && res.data.errors) {
      const left = showErrors(dform, res.data.errors, { amount_yi: "amount", amount_wan: "amount" });
      setText($("project-message"), left.length ? res.data.message : t("fix_fields"));
    } else if (res.status === 404) {
      setText($("project-message"), t("project_gone"));
      button.disabled = true;
    } else if (res.status !== 401) {
      setText($("project-message"), errorMessage(res));
    }
  });
}

// ---------------------------------------------------------------------------------------------------
// Wiring
// ---------------------------------------------------------------------------------------------------

function init() {
  list = $("plist");
  dialog = $("project-dialog");
  dform = $("project-form");

  $("project-add").addEventListener("click", () => {
    openDialog(null);
  });
  $("project-add-2").addEventListener("click", () => {
    openDialog(null);
  });

  list.addEventListener("click", (e) => {
    const button = e.target.closest("button[data-action]");
    if (!button) return;
    const row = button.closest(".prow");
    const p = row && projectById(row.getAttribute("data-id"));
    if (!p) return;
    const action = button.getAttribute("data-action");
    if (action === "up") move(p.id, -1);
    else if (action === "down") move(p.id, 1);
    else if (action === "edit") openDialog(p);
    else if (action === "delete") remove(p);
  });
  list.addEventListener("dblclick", (e) => {
    if (e.target.closest("button")) return;
    const row = e.target.closest(".prow");
    const p = row && projectById(row.getAttribute("data-id"));
    if (p) openDialog(p);
  });
  list.addEventListener("pointerdown", (e) => {
    const handle = e.target.closest(".handle");
    if (handle && !handle.disabled) startDrag(e, handle);
  });
  list.addEventListener("pointermove", moveDrag);
  list.addEventListener("pointerup", (e) => {
    endDrag(e, false);
  });
  list.addEventListener("pointercancel", (e) => {
    endDrag(e, true);
  });
  list.addEventListener("lostpointercapture", (e) => {
    if (drag) endDrag(e, false);
  });
  list.addEventListener("keydown", (e) => {
    const handle = e.target.closest(".handle");
    if (!handle) return;
    const row = handle.closest(".prow");
    if (e.key === "ArrowUp") {
      e.preventDefault();
      move(row.getAttribute("data-id"), -1);
    } else if (e.key === "ArrowDown") {
      e.preventDefault();
      move(row.getAttribute("data-id"), 1);
    }
  });
  // A drag on a touch screen must not scroll the page or open a context menu.
  list.addEventListener("contextmenu", (e) => {
    if (e.target.closest(".handle")) e.preventDefault();
  });

  dform.addEventListener("submit", submit);
  $("project-cancel").addEventListener("click", () => {
    editing = null;
    dialog.close("cancel");
  });
  dialog.addEventListener("close", () => {
    editing = null;
  });
  dform.elements.summary.addEventListener("input", countSummary);
  dform.addEventListener("input", (e) => {
    const field = e.target.closest(".field");
    if (field && field.classList.contains("is-invalid")) {
      field.classList.remove("is-invalid");
      setText(field.querySelector(".field-error"), "");
    }
  });
  $("project-delete").addEventListener("click", () => {
    const p = editing && editing.id && projectById(editing.id);
    if (!p) return;
    dialog.close("cancel");
    remove(p);
  });
}

function onState(s) {
  const missing = s.missing_english;
  $("projects-missing-en").hidden = !(missing && missing.text);
  setText($("projects-missing-en"), missing ? missing.text : "");
  if (!saving) {
    projects = s.projects.slice();
    render();
  }
  loadConcierges();
  if (editing && editing.id) {
    const p = projectById(editing.id);
    if (!p) {
      setText($("project-message"), t("project_gone"));
      $("project-save").disabled = true;
    } else {
      dialogNote(p);
    }
  }
}

section({
  id: "projects",
  init,
  state: onState,
  language() {
    render();
  },
});
