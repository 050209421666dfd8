/*
 * Admin section 2 — projects: the running order as an editable list.
 *
 * Add and edit in a dialog with the import's fields (the server validates them exactly like an import row
 * and its per-field errors are shown next to each field), delete after asking (never a signed project),
 * reorder by dragging the handle (pointer events: mouse, pen and finger alike) or with ↑ ↓.
 * The list is drawn from the live state, so edits from the console or the command line show at once.
 */
import { KA } from "./shell.js";

  var t = KA.t, $ = KA.$, el = KA.el, setText = KA.setText, clear = KA.clear;

  // Suggestions for the industry field: the names the server knows (in the event's language).
  var INDUSTRIES = KA.settings.industries || [];

  var list, projects = [], concierges = {}, saving = 0, queue = Promise.resolve(), drag = null, flashId = null;
  var dialog, dform, editing = null; // editing: {id|null}
  var fetchTimer = null;

  // ---------------------------------------------------------------------------------------------------
  // Drawing
  // ---------------------------------------------------------------------------------------------------

  function iconButton(action, glyph, label) {
    var b = el("button", "icon-btn", glyph);
    b.type = "button";
    b.setAttribute("data-action", action);
    b.setAttribute("aria-label", label);
    b.title = label;
    return b;
  }

  function rowFor(p, index, count) {
    var li = el("li", "prow");
    li.setAttribute("data-id", p.id);
    li.setAttribute("data-status", p.status);

    var handle = el("button", "handle", "⠿");
    handle.type = "button";
    handle.setAttribute("data-action", "drag");
    handle.setAttribute("aria-label", t("drag"));
    handle.title = t("drag");
    handle.disabled = count < 2;
    li.appendChild(handle);

    li.appendChild(el("span", "order-dot", p.order));

    var main = el("div", "p-main");
    main.appendChild(el("div", "p-name", p.name));
    main.appendChild(el("div", "p-sub", p.investor));
    var meta = el("div", "p-meta");
    var bits = [];
    if (p.industry) bits.push(p.industry_label);
    if (p.land) bits.push(p.land.text);
    var who = concierges[p.id];
    if (who && who.name) bits.push(t("concierge") + " " + who.name + (who.phone ? " " + who.phone : ""));
    bits.forEach(function (bit, i) {
      if (i) meta.appendChild(el("span", "sep", "·"));
      meta.appendChild(el("span", null, bit));
    });
    main.appendChild(meta);
    li.appendChild(main);

    var amount = el("div", "p-amount");
    amount.appendChild(el("b", null, (p.amount.prefix ? p.amount.prefix + " " : "") + p.amount.value));
    amount.appendChild(el("span", "unit", p.amount.unit));
    li.appendChild(amount);

    var status = el("div", "p-status");
    status.appendChild(KA.chip(p));
    if (p.signed_time) status.appendChild(el("span", "p-time", p.signed_time));
    li.appendChild(status);

    var actions = el("div", "p-actions");
    var up = iconButton("up", "↑", t("move_up"));
    up.disabled = index === 0;
    var down = iconButton("down", "↓", t("move_down"));
    down.disabled = index === count - 1;
    var edit = el("button", "btn small", t("edit"));
    edit.type = "button";
    edit.setAttribute("data-action", "edit");
    var del = iconButton("delete", "✕", t("delete"));
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
    var focused = document.activeElement;
    var keep = null;
    if (focused && list.contains(focused)) {
      var row = focused.closest(".prow");
      keep = row && { id: row.getAttribute("data-id"), action: focused.getAttribute("data-action") };
    }
    clear(list);
    projects.forEach(function (p, i) { list.appendChild(rowFor(p, i, projects.length)); });
    $("plist-empty").hidden = projects.length > 0;
    list.hidden = projects.length === 0;
    if (keep) {
      var again = list.querySelector('.prow[data-id="' + cssId(keep.id) + '"] [data-action="' + keep.action + '"]');
      if (again && !again.disabled) again.focus();
    }
    if (flashId) {
      var flashed = list.querySelector('.prow[data-id="' + cssId(flashId) + '"]');
      flashId = null;
      if (flashed) {
        flashed.classList.add("is-flash");
        flashed.scrollIntoView({ block: "nearest" });
      }
    }
    renderLead();
  }

  function cssId(id) { return String(id).replace(/["\\]/g, "\\$&"); }

  function renderLead() {
    var s = KA.state();
    if (!s) return;
    setText($("projects-lead"), t("projects_lead", {
      count: s.project_count,
      total: s.planned.total.text,
      signed: s.signed_count,
    }));
    var note = $("projects-live-note");
    var rehearsal = s.mode === "rehearsal";
    var key = rehearsal ? "projects_rehearsal_note" : "projects_live_note";
    note.setAttribute("data-t", key);
    setText(note, t(key));
    note.className = "notice " + (rehearsal ? "is-rehearsal" : "is-live");
    note.hidden = !(rehearsal || s.signed_count > 0);
  }

  function loadConcierges() {
    clearTimeout(fetchTimer);
    fetchTimer = setTimeout(function () {
      KA.get("/api/v1/projects").then(function (res) {
        if (res.status !== 200 || !res.data) return;
        var next = {};
        res.data.projects.forEach(function (p) {
          next[p.id] = { name: p.concierge_name || "", phone: p.concierge_phone || "" };
        });
        var changed = JSON.stringify(next) !== JSON.stringify(concierges);
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
    var byId = {};
    projects.forEach(function (p) { byId[p.id] = p; });
    if (ids.some(function (id) { return !byId[id]; })) return;
    projects = ids.map(function (id, i) {
      var copy = {};
      Object.keys(byId[id]).forEach(function (k) { copy[k] = byId[id][k]; });
      copy.order = i + 1;
      return copy;
    });
    saving += 1;
    list.classList.add("is-saving");
    render();
    queue = queue.then(function () {
      return KA.send("PUT", "/api/v1/projects/order", { ids: ids }).then(function (res) {
        saving -= 1;
        var ok = res.status === 200 && res.data;
        if (ok) KA.adopt(res.data.state);
        else if (res.status !== 401) KA.toast(t("reorder_failed", { message: KA.errorMessage(res) }), "error", 5000);
        if (!saving) {
          list.classList.remove("is-saving");
          var s = KA.state();
          if (s) projects = s.projects.slice();
          render();
          if (ok) KA.toast(t("reordered"), "ok", 1500);
          else KA.refresh();
        }
      });
    });
  }

  function move(id, delta) {
    var ids = projects.map(function (p) { return p.id; });
    var from = ids.indexOf(id);
    var to = from + delta;
    if (from < 0 || to < 0 || to >= ids.length) return;
    ids.splice(to, 0, ids.splice(from, 1)[0]);
    saveOrder(ids);
  }

  function startDrag(e, handle) {
    if (drag || projects.length < 2) return;
    if (e.pointerType === "mouse" && e.button !== 0) return;
    var row = handle.closest(".prow");
    var rows = Array.prototype.slice.call(list.children);
    var from = rows.indexOf(row);
    var top = list.getBoundingClientRect().top;
    drag = {
      pointerId: e.pointerId,
      row: row,
      rows: rows,
      from: from,
      to: from,
      startY: e.clientY - top,
      tops: rows.map(function (r) { return r.offsetTop; }),
      heights: rows.map(function (r) { return r.offsetHeight; }),
    };
    try { handle.setPointerCapture(e.pointerId); } catch (err) { /* synthetic events */ }
    row.classList.add("is-dragging");
    list.classList.add("is-sorting");
    rows.forEach(function (r) { if (r !== row) r.classList.add("drop-gap"); });
    e.preventDefault();
  }

  function moveDrag(e) {
    if (!drag || e.pointerId !== drag.pointerId) return;
    var content = $("content");
    var box = content.getBoundingClientRect();
    if (e.clientY < box.top + 40) content.scrollTop -= 12;
    else if (e.clientY > box.bottom - 40) content.scrollTop += 12;
    var y = e.clientY - list.getBoundingClientRect().top;
    var dy = y - drag.startY;
    var ownTop = drag.tops[drag.from] + dy;
    var centre = ownTop + drag.heights[drag.from] / 2;
    var to = 0;
    drag.rows.forEach(function (r, i) {
      if (i === drag.from) return;
      if (drag.tops[i] + drag.heights[i] / 2 < centre) to += 1;
    });
    drag.to = to;
    drag.row.style.transform = "translateY(" + dy + "px)";
    var h = drag.heights[drag.from];
    drag.rows.forEach(function (r, i) {
      if (i === drag.from) return;
      var shift = 0;
      if (drag.from < to && i > drag.from && i <= to) shift = -h;
      else if (to < drag.from && i >= to && i < drag.from) shift = h;
      r.style.transform = shift ? "translateY(" + shift + "px)" : "";
    });
    e.preventDefault();
  }

  function endDrag(e, cancelled) {
    if (!drag || (e && e.pointerId !== drag.pointerId)) return;
    var d = drag;
    drag = null;
    d.rows.forEach(function (r) {
      r.style.transform = "";
      r.classList.remove("drop-gap", "is-dragging");
    });
    list.classList.remove("is-sorting");
    if (!cancelled && d.to !== d.from) {
      // The rows as they were when the drag began (a broadcast may have arrived meanwhile).
      var ids = d.rows.map(function (r) { return r.getAttribute("data-id"); });
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
      KA.toast(t("delete_signed_reason"), "warn", 4000);
      return Promise.resolve(false);
    }
    return KA.confirm({
      title: t("delete_q", { name: p.name }),
      text: [t("delete_text")],
      ok: t("delete"),
      danger: true,
    }).then(function (yes) {
      if (!yes) return false;
      return KA.send("DELETE", "/api/v1/projects/" + encodeURIComponent(p.id)).then(function (res) {
        if (res.status === 200 && res.data) {
          KA.adopt(res.data.state);
          KA.toast(t("deleted", { name: p.name }), "ok", 2500);
          return true;
        }
        if (res.status !== 401) KA.toast(KA.errorMessage(res), "error", 5000);
        KA.refresh();
        return false;
      });
    });
  }

  // ---------------------------------------------------------------------------------------------------
  // The add / edit dialog
  // ---------------------------------------------------------------------------------------------------

  var FIELDS = ["name", "investor", "land_mu", "industry", "signatories", "concierge_name", "concierge_phone", "summary"];

  function projectById(id) {
    for (var i = 0; i < projects.length; i++) if (projects[i].id === id) return projects[i];
    return null;
  }

  function fillIndustries() {
    var box = $("industry-list");
    clear(box);
    var seen = {};
    projects.map(function (p) { return p.industry; }).concat(INDUSTRIES).forEach(function (name) {
      if (!name || seen[name]) return;
      seen[name] = true;
      var o = document.createElement("option");
      o.value = name;
      box.appendChild(o);
    });
  }

  function countSummary() {
    setText($("summary-count"), dform.elements.summary.value.length + " / 500");
  }

  function dialogNote(p) {
    var note = $("project-dialog-live");
    var s = KA.state();
    var onWall = p && s && s.screen === "spotlight" && s.spotlight_id === p.id;
    if (p && (onWall || p.status === "announced")) {
      setText(note, t("on_wall_note"));
      note.hidden = false;
    } else if (p && p.status === "signed") {
      setText(note, t("signed_note"));
      note.hidden = false;
    } else {
      note.hidden = true;
    }
    var status = $("project-dialog-status");
    setText(status, p ? p.status_text : "");
    status.className = "chip" + (p ? " is-" + p.status : "");
    var del = $("project-delete");
    del.hidden = !p;
    del.disabled = !!(p && p.status === "signed");
    setText($("project-delete-reason"), p && p.status === "signed" ? t("delete_signed_reason") : "");
  }

  function openDialog(p) {
    editing = { id: p ? p.id : null };
    KA.clearErrors(dform);
    setText($("project-message"), "");
    setText($("project-dialog-title"), p ? t("edit_title", { order: p.order }) : t("add_title"));
    var who = (p && concierges[p.id]) || {};
    var v = {
      name: p ? p.name : "",
      investor: p ? p.investor : "",
      land_mu: (p && p.land_mu) || "",
      industry: (p && p.industry) || "",
      signatories: p ? (p.signatories || []).join("、") : "",
      concierge_name: who.name || "",
      concierge_phone: who.phone || "",
      summary: (p && p.summary) || "",
    };
    FIELDS.forEach(function (k) { dform.elements[k].value = v[k]; });
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
      KA.get("/api/v1/projects").then(function (res) {
        if (!res.data || !editing || editing.id !== p.id) return;
        res.data.projects.forEach(function (q) {
          if (q.id !== p.id) return;
          if (dform.elements.concierge_name.value === v.concierge_name) dform.elements.concierge_name.value = q.concierge_name || "";
          if (dform.elements.concierge_phone.value === v.concierge_phone) dform.elements.concierge_phone.value = q.concierge_phone || "";
        });
      });
    }
  }

  function body() {
    var b = {};
    FIELDS.forEach(function (k) { b[k] = dform.elements[k].value.trim(); });
    b.summary = dform.elements.summary.value.trim();
    var amount = dform.elements.amount.value.trim();
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
    var target = editing;
    var data = body();
    KA.clearErrors(dform);
    setText($("project-message"), "");
    var button = $("project-save");
    button.classList.add("is-busy");
    var request = target.id
      ? KA.send("PUT", "/api/v1/projects/" + encodeURIComponent(target.id), data)
      : KA.send("POST", "/api/v1/projects", data);
    request.then(function (res) {
      button.classList.remove("is-busy");
      if ((res.status === 200 || res.status === 201) && res.data) {
        flashId = target.id || res.data.id;
        editing = null;
        dialog.close("saved");
        KA.toast(t(target.id ? "updated" : "added", { name: data.name }), "ok", 2500);
        KA.adopt(res.data.state);
        loadConcierges();
        return;
      }
      if (res.status === 400 && res.data && res.data.errors) {
        var left = KA.showErrors(dform, res.data.errors, { amount_yi: "amount", amount_wan: "amount" });
        setText($("project-message"), left.length ? res.data.message : t("fix_fields"));
      } else if (res.status === 404) {
        setText($("project-message"), t("project_gone"));
        button.disabled = true;
      } else if (res.status !== 401) {
        setText($("project-message"), KA.errorMessage(res));
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

    $("project-add").addEventListener("click", function () { openDialog(null); });
    $("project-add-2").addEventListener("click", function () { openDialog(null); });

    list.addEventListener("click", function (e) {
      var button = e.target.closest("button[data-action]");
      if (!button) return;
      var row = button.closest(".prow");
      var p = row && projectById(row.getAttribute("data-id"));
      if (!p) return;
      var action = button.getAttribute("data-action");
      if (action === "up") move(p.id, -1);
      else if (action === "down") move(p.id, 1);
      else if (action === "edit") openDialog(p);
      else if (action === "delete") remove(p);
    });
    list.addEventListener("dblclick", function (e) {
      if (e.target.closest("button")) return;
      var row = e.target.closest(".prow");
      var p = row && projectById(row.getAttribute("data-id"));
      if (p) openDialog(p);
    });
    list.addEventListener("pointerdown", function (e) {
      var handle = e.target.closest(".handle");
      if (handle && !handle.disabled) startDrag(e, handle);
    });
    list.addEventListener("pointermove", moveDrag);
    list.addEventListener("pointerup", function (e) { endDrag(e, false); });
    list.addEventListener("pointercancel", function (e) { endDrag(e, true); });
    list.addEventListener("lostpointercapture", function (e) { if (drag) endDrag(e, false); });
    list.addEventListener("keydown", function (e) {
      var handle = e.target.closest(".handle");
      if (!handle) return;
      var row = handle.closest(".prow");
      if (e.key === "ArrowUp") { e.preventDefault(); move(row.getAttribute("data-id"), -1); }
      else if (e.key === "ArrowDown") { e.preventDefault(); move(row.getAttribute("data-id"), 1); }
    });
    // A drag on a touch screen must not scroll the page or open a context menu.
    list.addEventListener("contextmenu", function (e) { if (e.target.closest(".handle")) e.preventDefault(); });

    dform.addEventListener("submit", submit);
    $("project-cancel").addEventListener("click", function () { editing = null; dialog.close("cancel"); });
    dialog.addEventListener("close", function () { editing = null; });
    dform.elements.summary.addEventListener("input", countSummary);
    dform.addEventListener("input", function (e) {
      var field = e.target.closest(".field");
      if (field && field.classList.contains("is-invalid")) {
        field.classList.remove("is-invalid");
        setText(field.querySelector(".field-error"), "");
      }
    });
    $("project-delete").addEventListener("click", function () {
      var p = editing && editing.id && projectById(editing.id);
      if (!p) return;
      dialog.close("cancel");
      remove(p);
    });
  }

  function onState(s) {
    if (!saving) {
      projects = s.projects.slice();
      render();
    }
    loadConcierges();
    if (editing && editing.id) {
      var p = projectById(editing.id);
      if (!p) {
        setText($("project-message"), t("project_gone"));
        $("project-save").disabled = true;
      } else {
        dialogNote(p);
      }
    }
  }

  KA.section({
    id: "projects",
    init: init,
    state: onState,
    language: function () { render(); },
  });
