/*
 * Admin section 6 - the signing pads and the signing picture (the certificate).
 *
 * The certificate's settings (its template, the ink, a background picture, whether a round waits for
 * every signature and whether the last one signs it) with a preview the server draws, and the pads:
 * one per signatory, grouped by project in running order, each with its local link (opened once on the
 * tablet at the signing table), a remote link for a party signing from another city (shown once, then
 * only revoked), edit and delete.
 *
 * Pads and the certificate are not in the broadcast view, so they are fetched: when the section is
 * shown, after each change made here, whenever the ceremony's state moves, and every few seconds while
 * the section is on screen (a tablet opening its link changes nothing the broadcast carries).
 */
import { KA } from "./shell.js";

var t = KA.t, $ = KA.$, el = KA.el, setText = KA.setText, clear = KA.clear;

// What a colour looks like here, from the server's rule for the field: only to keep the colour picker in
// step with the text; the server checks the colour itself on save and its answer is what the field shows.
var HEX = new RegExp("^(?:" + KA.settings.limits.ink_color.pattern + ")$");
var MAX_IMAGE = KA.settings.max_image_bytes;
var POLL_MS = 5000;
// The server may name a field by its stored key; the forms name it as the API's body does.
var ALIASES = {
  ink_color: "ink",
  certificate_template: "template",
  certificate_background: "background",
  file: "background",
  pad_name: "name",
  pad_party: "party",
  pad_remote_place: "remote_place",
  project: "project_id",
};

var form, addForm, dialog, dform, remoteDialog;
var projects = [], pads = [], padsLoaded = false, padsKey = "", padsSeq = 0, pollTimer = null, refetchTimer = null;
var cert = null, baseline = null, certSeq = 0, saving = false;
var previewId = null, previewCount = 0, editing = null, remoteFor = null;

// ---------------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------------

function path(id, tail) {
  return "/api/v1/pads/" + encodeURIComponent(id) + (tail || "");
}

function projectById(id) {
  for (var i = 0; i < projects.length; i++) if (projects[i].id === id) return projects[i];
  return null;
}

function padById(id) {
  for (var i = 0; i < pads.length; i++) if (pads[i].id === id) return pads[i];
  return null;
}

/** A link as the phone or tablet opens it (the server may send a path). */
function absolute(url) {
  try {
    return new URL(url, window.location.href).href;
  } catch (e) {
    return String(url || "");
  }
}

function safeMedia(url) {
  return typeof url === "string" && /^\/media\/[A-Za-z0-9._-]+$/.test(url) ? url : null;
}

/**
 * A 400's problems as [{field, reason}], whichever way the server wrote them: the event form's
 * ``errors`` ({field, reason}) or ``problems`` ({field, text}).
 */
function problemsOf(res) {
  var d = res.data || {};
  var list = Array.isArray(d.errors) ? d.errors : Array.isArray(d.problems) ? d.problems : [];
  return list
    .filter(function (p) { return p && typeof p === "object"; })
    .map(function (p) { return { field: p.field, reason: p.reason || p.text || p.message || "" }; });
}

/** Show a failed write's problems on their fields; what has no field goes to ``message``. */
function showProblems(root, res, message) {
  var problems = problemsOf(res);
  if (res.status === 400 && problems.length) {
    var left = KA.showErrors(root, problems, ALIASES);
    setText(message, left.length ? left.map(function (p) { return p.reason; }).join(" ") : t("fix_fields"));
  } else if (res.status !== 401) {
    setText(message, KA.errorMessage(res));
  }
}

function clearField(field) {
  if (!field) return;
  field.classList.remove("is-invalid");
  setText(field.querySelector(".field-error"), "");
}

function clearFieldOnInput(root) {
  root.addEventListener("input", function (e) {
    var field = e.target.closest(".field");
    if (field && field.classList.contains("is-invalid")) clearField(field);
  });
}

function busy(button, on) {
  button.classList.toggle("is-busy", on);
  button.disabled = on;
}

// ---------------------------------------------------------------------------------------------------
// The certificate: settings
// ---------------------------------------------------------------------------------------------------

function fromCert(c) {
  return {
    template: c.template || "",
    ink: (c.ink || "").toLowerCase(),
    signatures_required: !!c.signatures_required,
    sign_on_submit: !!c.sign_on_submit,
  };
}

function values() {
  return {
    template: form.elements.template.value,
    ink: form.elements.ink.value.trim().toLowerCase(),
    signatures_required: form.elements.signatures_required.checked,
    sign_on_submit: form.elements.sign_on_submit.checked,
  };
}

function dirty() {
  if (!baseline) return false;
  var v = values();
  return Object.keys(baseline).some(function (k) { return v[k] !== baseline[k]; });
}

function syncInk() {
  var ink = form.elements.ink.value.trim().toLowerCase();
  if (HEX.test(ink)) $("cert-ink-pick").value = ink;
  Array.prototype.forEach.call(document.querySelectorAll("#ink-swatches .ink-swatch"), function (b) {
    b.setAttribute("aria-pressed", b.getAttribute("data-ink") === ink ? "true" : "false");
  });
}

function changed() {
  var d = dirty();
  $("cert-dirty").hidden = !d;
  $("cert-revert").disabled = !d || saving;
  $("cert-save").disabled = saving || !cert;
  syncInk();
}

function renderTemplates(c) {
  var select = form.elements.template;
  // Rebuilt only when the list changed: a state moving elsewhere must not shut an open drop-down.
  var signature = JSON.stringify([c.templates, c.template]);
  if (select.getAttribute("data-sig") === signature) return;
  select.setAttribute("data-sig", signature);
  var keep = select.value || c.template;
  clear(select);
  (c.templates || []).forEach(function (tpl) {
    var option = el("option", null, tpl.label || tpl.id);
    option.value = tpl.id;
    select.appendChild(option);
  });
  // A stored template the list does not name still shows (saved again as it is).
  if (c.template && !select.querySelector('option[value="' + CSS.escape(c.template) + '"]')) {
    var extra = el("option", null, c.template);
    extra.value = c.template;
    select.appendChild(extra);
  }
  select.value = keep;
}

function renderBackground(c) {
  var url = safeMedia(c.background);
  var img = $("cert-bg-img");
  if (url) {
    if (img.getAttribute("src") !== url) img.src = url;
    img.hidden = false;
  } else {
    img.hidden = true;
    img.removeAttribute("src");
  }
  // A background the page cannot show as a picture is still there: say so rather than "none".
  $("cert-bg-empty").hidden = !!url;
  setText($("cert-bg-empty"), c.background && !url ? t("cert_background_set") : t("cert_no_background"));
  $("cert-bg-remove").hidden = !c.background;
  var label = $("cert-bg-upload-label");
  var word = c.background ? "replace_file" : "upload";
  label.setAttribute("data-t", word);
  setText(label, t(word));
}

function fillCert(c) {
  cert = c;
  renderTemplates(c);
  baseline = fromCert(c);
  form.elements.template.value = baseline.template;
  form.elements.ink.value = baseline.ink;
  form.elements.signatures_required.checked = baseline.signatures_required;
  form.elements.sign_on_submit.checked = baseline.sign_on_submit;
  renderBackground(c);
  KA.clearErrors(form);
  setText($("cert-message"), "");
  changed();
}

function loadCert(force) {
  var mine = ++certSeq;
  return KA.get("/api/v1/certificate").then(function (res) {
    if (mine !== certSeq) return;
    var box = $("cert-unavailable");
    if (res.status !== 200 || !res.data) {
      if (res.status === 401) return;
      box.hidden = false;
      setText(box, t("cert_unavailable", { message: KA.errorMessage(res) }));
      changed();
      return;
    }
    box.hidden = true;
    if (force || !dirty()) fillCert(res.data);
    else {
      // An edit in progress keeps its values; the list of templates and the picture follow the server.
      cert = res.data;
      renderTemplates(res.data);
      renderBackground(res.data);
    }
  });
}

/** A write answered with the settings (or not): adopt them, else ask for them again. */
function adoptCert(res) {
  if (res.data && typeof res.data === "object" && "ink" in res.data && "templates" in res.data) {
    fillCert(res.data);
    return Promise.resolve();
  }
  return loadCert(true);
}

function save(e) {
  e.preventDefault();
  if (saving || !cert) return;
  KA.clearErrors(form);
  setText($("cert-message"), "");
  saving = true;
  busy($("cert-save"), true);
  KA.send("PUT", "/api/v1/certificate", values()).then(function (res) {
    saving = false;
    busy($("cert-save"), false);
    if (res.status === 200) {
      adoptCert(res).then(function () {
        KA.toast(t("cert_saved"), "ok", 2500);
        refreshPreview();
      });
      return;
    }
    showProblems(form, res, $("cert-message"));
    changed();
  });
}

function uploadBackground(file) {
  clearField(form.querySelector('.field[data-field="background"]'));
  if (MAX_IMAGE && file.size > MAX_IMAGE) {
    KA.showErrors(form, [{ field: "background", reason: t("media_too_big") }]);
    return;
  }
  var button = $("cert-bg-btn");
  button.classList.add("is-busy");
  KA.upload("/api/v1/certificate/background", file).then(function (res) {
    button.classList.remove("is-busy");
    if (res.status === 200 || res.status === 201) {
      adoptBackground(res).then(function () {
        KA.toast(t("cert_bg_uploaded"), "ok", 2500);
        refreshPreview();
      });
    } else if (res.status !== 401) {
      var problems = problemsOf(res);
      var reason = problems.length ? problems.map(function (p) { return p.reason; }).join(" ") : KA.errorMessage(res);
      KA.showErrors(form, [{ field: "background", reason: reason }]);
    }
  });
}

/** After a picture changed: keep the form's unsaved edits, take the picture from the answer. */
function adoptBackground(res) {
  if (res.data && typeof res.data === "object" && "background" in res.data) {
    if (cert) cert = Object.assign({}, cert, { background: res.data.background });
    renderBackground(cert || res.data);
    return Promise.resolve();
  }
  return loadCert(false);
}

function removeBackground() {
  KA.confirm({
    title: t("cert_bg_remove_q"),
    text: [t("cert_bg_remove_text")],
    ok: t("remove"),
    danger: true,
  }).then(function (yes) {
    if (!yes) return;
    KA.send("DELETE", "/api/v1/certificate/background").then(function (res) {
      if (res.status === 200 || res.status === 204) {
        if (res.status === 204) res.data = { background: null };
        adoptBackground(res).then(function () {
          KA.toast(t("cert_bg_removed"), "ok", 2500);
          refreshPreview();
        });
      } else if (res.status !== 401) {
        KA.showErrors(form, [{ field: "background", reason: KA.errorMessage(res) }]);
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// The certificate: preview
// ---------------------------------------------------------------------------------------------------

function renderProjectChoices() {
  var signature = projects.map(function (p) { return p.id + "\u0000" + p.order + "\u0000" + p.name; }).join("\u0001");
  [$("cert-preview-project"), addForm.elements.project_id].forEach(function (select) {
    if (select.getAttribute("data-sig") === signature) return;
    var keep = select.value;
    clear(select);
    projects.forEach(function (p) {
      var option = el("option", null, p.order + ". " + p.name);
      option.value = p.id;
      select.appendChild(option);
    });
    if (keep && projectById(keep)) select.value = keep;
    select.setAttribute("data-sig", signature);
  });
  renderPartyChoices(addForm.elements.party, projectById(addForm.elements.project_id.value));
  if (!previewId || !projectById(previewId)) {
    previewId = projects.length ? projects[0].id : null;
    $("cert-preview-project").value = previewId || "";
    return true;
  }
  return false;
}

/** The two parties, named as the wall will name them: the district and the project's company. */
function renderPartyChoices(select, project) {
  var s = KA.state();
  var host = (s && s.event && s.event.host) || "";
  var sides = { host: host, investor: project ? project.investor : "" };
  Array.prototype.forEach.call(select.options, function (option) {
    var party = t(option.value === "host" ? "party_host" : "party_investor");
    var side = sides[option.value];
    setText(option, side ? t("party_choice", { party: party, side: side }) : party);
  });
}

function refreshPreview() {
  var img = $("cert-preview");
  var note = $("cert-preview-note");
  var p = projectById(previewId);
  if (!p) {
    img.hidden = true;
    img.removeAttribute("src");
    setText(note, t("cert_preview_none"));
    return;
  }
  previewCount += 1;
  img.setAttribute("data-state", "loading");
  img.alt = t("cert_preview_alt", { name: p.name });
  setText(note, t("cert_preview_loading"));
  note.hidden = false;
  img.src = "/api/v1/projects/" + encodeURIComponent(p.id) + "/certificate.svg?blank=1&v=" + previewCount;
}

function previewLoaded() {
  var img = $("cert-preview");
  img.hidden = false;
  img.setAttribute("data-state", "ok");
  $("cert-preview-note").hidden = true;
}

function previewFailed() {
  var img = $("cert-preview");
  if (!img.getAttribute("src")) return;
  img.hidden = true;
  img.setAttribute("data-state", "failed");
  var note = $("cert-preview-note");
  note.hidden = false;
  setText(note, t("cert_preview_failed"));
}

// ---------------------------------------------------------------------------------------------------
// The pads
// ---------------------------------------------------------------------------------------------------

function loadPads() {
  var mine = ++padsSeq;
  return KA.get("/api/v1/pads").then(function (res) {
    if (mine !== padsSeq) return;
    if (res.status !== 200 || !res.data) {
      if (res.status !== 401 && !pads.length) {
        setText($("pads-count"), t("pads_unavailable", { message: KA.errorMessage(res) }));
      }
      return;
    }
    var list = Array.isArray(res.data) ? res.data : res.data.pads || [];
    var key = JSON.stringify(list);
    padsLoaded = true;
    if (key === padsKey) return;
    padsKey = key;
    pads = list;
    renderPads();
  });
}

function chipFor(className, text, title) {
  var c = el("span", "chip " + className, text);
  if (title) c.title = title;
  return c;
}

function actionButton(action, word, pad, extra) {
  var b = el("button", "btn small" + (extra ? " " + extra : ""), t(word));
  b.type = "button";
  b.setAttribute("data-action", action);
  // Every row has the same buttons: the signatory's name tells a screen reader whose pad it is.
  b.setAttribute("aria-describedby", "pad-who-" + pad._n);
  return b;
}

function padRow(pad) {
  var li = el("li", "pad-row");
  li.setAttribute("data-id", pad.id);
  li.setAttribute("data-state", pad.state || "");

  var who = el("div", "pad-who");
  var name = el("span", "pad-name", pad.name);
  name.id = "pad-who-" + pad._n;
  who.appendChild(name);
  who.appendChild(chipFor("pad-party is-" + (pad.party || ""), pad.party_text || pad.party));
  // The wall's own words for a remote party ("remote_text"), as the room will read them.
  if (pad.remote_place) who.appendChild(chipFor("pad-remote", pad.remote_text || t("pad_remote_chip", { place: pad.remote_place })));
  li.appendChild(who);

  var status = el("div", "pad-status");
  status.appendChild(chipFor("pad-state is-" + (pad.state || "waiting"), pad.state_text || pad.state));
  var claimed = el("span", "pad-claimed" + (pad.claimed ? " is-yes" : ""), t(pad.claimed ? "pad_claimed" : "pad_unclaimed"));
  status.appendChild(claimed);
  if (pad.remote_active) status.appendChild(chipFor("pad-remote-on", t("pad_remote_active")));
  li.appendChild(status);

  var link = el("div", "pad-link");
  var inputId = "pad-url-" + pad._n;
  var label = el("label", "pad-link-label", t("pad_local_link"));
  label.htmlFor = inputId;
  link.appendChild(label);
  var row = el("span", "url-row");
  var input = el("input");
  input.type = "text";
  input.readOnly = true;
  input.spellcheck = false;
  input.id = inputId;
  input.value = pad.url ? absolute(pad.url) : "";
  input.setAttribute("data-action", "url");
  input.setAttribute("aria-describedby", name.id);
  row.appendChild(input);
  row.appendChild(actionButton("copy", "copy", pad));
  row.appendChild(actionButton("qr", "pad_qr", pad));
  link.appendChild(row);
  li.appendChild(link);

  var actions = el("div", "pad-actions");
  actions.appendChild(actionButton("link", "pad_new_link", pad));
  if (pad.remote_active) actions.appendChild(actionButton("revoke", "pad_revoke_remote", pad, "danger"));
  else actions.appendChild(actionButton("remote", "pad_remote_link", pad));
  actions.appendChild(actionButton("edit", "edit", pad));
  actions.appendChild(actionButton("delete", "delete", pad, "ghost danger-text"));
  li.appendChild(actions);
  return li;
}

function renderPads() {
  var box = $("pad-groups");
  // The list is redrawn whole: keep the keyboard where it was (same pad, same control).
  var focused = document.activeElement;
  var keep = null;
  if (focused && box.contains(focused)) {
    var row = focused.closest(".pad-row");
    keep = row ? { id: row.getAttribute("data-id"), action: focused.getAttribute("data-action") } : null;
  }
  clear(box);
  $("pads-no-projects").hidden = projects.length > 0;
  // Until the first answer, no group claims to have no pads.
  if (!padsLoaded) return;
  var byProject = {};
  pads.forEach(function (pad, i) {
    pad._n = i;
    (byProject[pad.project_id] = byProject[pad.project_id] || []).push(pad);
  });
  // The running order, then any pad whose project this page does not know yet.
  var groups = projects.map(function (p) { return { id: p.id, order: p.order, name: p.name, investor: p.investor }; });
  Object.keys(byProject).forEach(function (id) {
    if (projectById(id)) return;
    var first = byProject[id][0];
    groups.push({ id: id, order: first.project_order || "", name: first.project_name || id, investor: "" });
  });
  groups.forEach(function (g, gi) {
    var mine = (byProject[g.id] || []).slice().sort(function (a, b) { return (a.order || 0) - (b.order || 0); });
    var group = el("section", "pad-group");
    group.setAttribute("data-project", g.id);
    var headId = "pad-group-" + gi;
    group.setAttribute("aria-labelledby", headId);
    var head = el("h3", "pad-group-head");
    head.id = headId;
    head.appendChild(el("span", "order-dot", g.order));
    var title = el("span", "pad-group-title");
    title.appendChild(el("span", "pad-group-name", g.name));
    if (g.investor) title.appendChild(el("span", "pad-group-investor", g.investor));
    head.appendChild(title);
    head.appendChild(el("span", "pad-group-count", t("pads_count", { n: mine.length })));
    group.appendChild(head);
    if (mine.length) {
      var ol = el("ol", "pad-list");
      mine.forEach(function (pad) { ol.appendChild(padRow(pad)); });
      group.appendChild(ol);
    } else {
      group.appendChild(el("p", "pad-none", t("pads_none_for_project")));
    }
    box.appendChild(group);
  });
  setText($("pads-count"), t("pads_count", { n: pads.length }));
  setText($("badge-pads"), pads.length ? String(pads.length) : "");
  if (keep) {
    var again = box.querySelector('.pad-row[data-id="' + CSS.escape(keep.id) + '"]');
    var target = again && keep.action ? again.querySelector('[data-action="' + keep.action + '"]') : null;
    if (target) target.focus();
    else focusPad(again ? keep.id : null, null);
  }
}

/**
 * Put the keyboard back on a pad's control once a dialog closes (the row it came from may have been
 * redrawn meanwhile): that control, else the row's first button, else the next thing in the section.
 */
function focusPad(id, action) {
  var box = $("pad-groups");
  var row = id ? box.querySelector('.pad-row[data-id="' + CSS.escape(id) + '"]') : null;
  var target = row && action ? row.querySelector('[data-action="' + action + '"]') : null;
  if (!target && row) target = row.querySelector("button");
  if (!target) target = $("pads-generate");
  target.focus();
}

function flashRow(id) {
  var row = $("pad-groups").querySelector('.pad-row[data-id="' + CSS.escape(id) + '"]');
  if (!row) return;
  row.classList.remove("is-flash");
  void row.offsetWidth;
  row.classList.add("is-flash");
}

function reloadAndFlash(id) {
  padsKey = "";
  return loadPads().then(function () { if (id) flashRow(id); });
}

function gone(res) {
  if (res.status === 404) {
    KA.toast(t("pads_gone"), "warn", 4000);
    reloadAndFlash(null);
    return true;
  }
  return false;
}

// -- adding and generating ---------------------------------------------------------------------------

function add(e) {
  e.preventDefault();
  KA.clearErrors(addForm);
  var message = $("pad-add-message");
  setText(message, "");
  var body = {
    name: addForm.elements.name.value.trim(),
    project_id: addForm.elements.project_id.value,
    party: addForm.elements.party.value,
    remote_place: addForm.elements.remote_place.value.trim(),
  };
  var button = $("pad-add");
  busy(button, true);
  KA.send("POST", "/api/v1/pads", body).then(function (res) {
    busy(button, false);
    if (res.status === 201 || res.status === 200) {
      addForm.elements.name.value = "";
      addForm.elements.remote_place.value = "";
      KA.toast(t("pad_added", { name: body.name }), "ok", 2500);
      reloadAndFlash(res.data && res.data.id);
      addForm.elements.name.focus();
      return;
    }
    showProblems(addForm, res, message);
  });
}

/** The add form opens under the panel's head (the list stays in view) and closes with Esc or Cancel. */
function showAddForm(open) {
  var toggle = $("pad-add-toggle");
  addForm.hidden = !open;
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
  if (open) {
    renderPartyChoices(addForm.elements.party, projectById(addForm.elements.project_id.value));
    addForm.elements.name.focus();
  } else {
    KA.clearErrors(addForm);
    setText($("pad-add-message"), "");
    toggle.focus();
  }
}

function generate() {
  var button = $("pads-generate");
  busy(button, true);
  // The district's signatory (one official for every project), when the organiser names one.
  var host = $("pads-host-name").value.trim();
  KA.send("POST", "/api/v1/pads/from-signatories", host ? { host_name: host } : {}).then(function (res) {
    busy(button, false);
    if (res.status === 200 || res.status === 201) {
      var n = (res.data && res.data.created) || 0;
      KA.toast(n ? t("pads_generated", { n: n }) : t("pads_generated_none"), n ? "ok" : "warn", 4000);
      reloadAndFlash(null);
    } else if (res.status !== 401) {
      KA.toast(KA.errorMessage(res), "error", 6000);
    }
  });
}

// -- one pad's actions -------------------------------------------------------------------------------

function openEdit(pad) {
  editing = pad.id;
  KA.clearErrors(dform);
  setText($("pad-message"), "");
  setText($("pad-dialog-title"), t("pad_edit_title", { name: pad.name }));
  var p = projectById(pad.project_id);
  setText($("pad-dialog-project"), t("pad_dialog_project", { name: p ? p.order + ". " + p.name : pad.project_name || "" }));
  renderPartyChoices(dform.elements.party, p);
  dform.elements.name.value = pad.name || "";
  dform.elements.party.value = pad.party || "host";
  dform.elements.remote_place.value = pad.remote_place || "";
  dialog.returnValue = "";
  dialog.showModal();
  dform.elements.name.focus();
}

function saveEdit(e) {
  e.preventDefault();
  var id = editing;
  if (!id) return;
  KA.clearErrors(dform);
  setText($("pad-message"), "");
  var body = {
    name: dform.elements.name.value.trim(),
    party: dform.elements.party.value,
    remote_place: dform.elements.remote_place.value.trim(),
  };
  var button = $("pad-save");
  busy(button, true);
  KA.send("PUT", path(id), body).then(function (res) {
    busy(button, false);
    if (res.status === 200) {
      dialog.close("saved");
      KA.toast(t("pad_saved", { name: body.name }), "ok", 2500);
      reloadAndFlash(id);
      return;
    }
    if (res.status === 404) {
      dialog.close("gone");
      gone(res);
      return;
    }
    showProblems(dform, res, $("pad-message"));
  });
}

function remove(pad) {
  KA.confirm({
    title: t("pad_delete_q", { name: pad.name }),
    text: [t("pad_delete_text")],
    ok: t("delete"),
    danger: true,
  }).then(function (yes) {
    if (!yes) return;
    KA.send("DELETE", path(pad.id)).then(function (res) {
      if (res.status === 200 || res.status === 204) {
        KA.toast(t("pad_deleted", { name: pad.name }), "ok", 2500);
        reloadAndFlash(null);
      } else if (!gone(res) && res.status !== 401) {
        KA.toast(KA.errorMessage(res), "error", 6000);
      }
    });
  });
}

function newLink(pad) {
  KA.confirm({
    title: t("pad_link_q", { name: pad.name }),
    text: [{ warn: t("pad_link_text") }],
    ok: t("pad_link_ok"),
    danger: true,
  }).then(function (yes) {
    if (!yes) return;
    KA.send("POST", path(pad.id, "/link")).then(function (res) {
      if (res.status === 200 || res.status === 201) {
        KA.toast(t("pad_link_made", { name: pad.name }), "warn", 5000);
        reloadAndFlash(pad.id);
      } else if (!gone(res) && res.status !== 401) {
        KA.toast(KA.errorMessage(res), "error", 6000);
      }
    });
  });
}

/** The local link as a QR code, for the tablet at the signing table to scan with its camera. */
function showQr(pad) {
  var dialog = $("pad-qr-dialog");
  setText($("pad-qr-title"), t("pad_qr_title", { name: pad.name }));
  var img = $("pad-qr-img");
  img.alt = t("pad_qr_alt", { name: pad.name });
  img.src = path(pad.id, "/qr.svg") + "?t=" + encodeURIComponent(pad.url || "");
  dialog.showModal();
}

function makeRemote(pad, button) {
  busy(button, true);
  KA.send("POST", path(pad.id, "/remote")).then(function (res) {
    busy(button, false);
    var url = res.data && res.data.remote_url;
    if ((res.status === 200 || res.status === 201) && url) {
      // Shown this once: the server keeps no copy it could show again.
      remoteFor = pad.id;
      setText($("remote-title"), t("remote_title", { name: pad.name }));
      setText($("remote-url"), absolute(url));
      setText($("remote-copy"), t("copy"));
      remoteDialog.returnValue = "";
      remoteDialog.showModal();
      $("remote-copy").focus();
      reloadAndFlash(pad.id);
    } else if (!gone(res) && res.status !== 401) {
      KA.toast(KA.errorMessage(res), "error", 6000);
    }
  });
}

function revokeRemote(pad) {
  KA.confirm({
    title: t("pad_revoke_q", { name: pad.name }),
    text: [{ warn: t("pad_revoke_text") }],
    ok: t("pad_revoke_ok"),
    danger: true,
  }).then(function (yes) {
    if (!yes) return;
    KA.send("DELETE", path(pad.id, "/remote")).then(function (res) {
      if (res.status === 200 || res.status === 204) {
        KA.toast(t("pad_revoked", { name: pad.name }), "ok", 3000);
        reloadAndFlash(pad.id);
      } else if (!gone(res) && res.status !== 401) {
        KA.toast(KA.errorMessage(res), "error", 6000);
      }
    });
  });
}

function onListClick(e) {
  var button = e.target.closest("button[data-action]");
  if (!button) return;
  var row = button.closest(".pad-row");
  var pad = row && padById(row.getAttribute("data-id"));
  if (!pad) return;
  var action = button.getAttribute("data-action");
  if (action === "copy") KA.copyText(absolute(pad.url), button);
  else if (action === "qr") showQr(pad);
  else if (action === "link") newLink(pad);
  else if (action === "remote") makeRemote(pad, button);
  else if (action === "revoke") revokeRemote(pad);
  else if (action === "edit") openEdit(pad);
  else if (action === "delete") remove(pad);
}

// ---------------------------------------------------------------------------------------------------
// The section
// ---------------------------------------------------------------------------------------------------

function poll() {
  clearTimeout(pollTimer);
  pollTimer = setTimeout(function () {
    if (!KA.isShown("pads")) return;
    if (!document.hidden) loadPads();
    poll();
  }, POLL_MS);
}

function init() {
  form = $("cert-form");
  addForm = $("pad-add-form");
  dialog = $("pad-dialog");
  dform = $("pad-form");
  remoteDialog = $("remote-dialog");

  form.addEventListener("submit", save);
  clearFieldOnInput(form);
  form.addEventListener("input", function (e) {
    if (e.target.id === "cert-ink-pick") form.elements.ink.value = e.target.value.toLowerCase();
    changed();
  });
  form.addEventListener("change", changed);
  $("ink-swatches").addEventListener("click", function (e) {
    var b = e.target.closest(".ink-swatch");
    if (!b) return;
    form.elements.ink.value = b.getAttribute("data-ink");
    clearField(form.querySelector('.field[data-field="ink"]'));
    changed();
  });
  $("cert-revert").addEventListener("click", function () { if (cert) fillCert(cert); });
  $("cert-bg-file").addEventListener("change", function () {
    var input = $("cert-bg-file");
    var file = input.files && input.files[0];
    input.value = "";
    if (file) uploadBackground(file);
  });
  $("cert-bg-remove").addEventListener("click", removeBackground);
  $("cert-preview").addEventListener("load", previewLoaded);
  $("cert-preview").addEventListener("error", previewFailed);
  $("cert-preview-project").addEventListener("change", function () {
    previewId = $("cert-preview-project").value;
    refreshPreview();
  });

  addForm.addEventListener("submit", add);
  clearFieldOnInput(addForm);
  addForm.elements.project_id.addEventListener("change", function () {
    renderPartyChoices(addForm.elements.party, projectById(addForm.elements.project_id.value));
  });
  $("pad-add-toggle").addEventListener("click", function () { showAddForm(addForm.hidden); });
  $("pad-add-cancel").addEventListener("click", function () { showAddForm(false); });
  addForm.addEventListener("keydown", function (e) {
    if (e.key === "Escape") {
      e.preventDefault();
      showAddForm(false);
    }
  });
  $("pads-generate").addEventListener("click", generate);
  $("pad-groups").addEventListener("click", onListClick);

  dform.addEventListener("submit", saveEdit);
  clearFieldOnInput(dform);
  $("pad-cancel").addEventListener("click", function () { dialog.close("cancel"); });
  dialog.addEventListener("close", function () {
    var id = editing;
    editing = null;
    focusPad(id, "edit");
  });

  $("remote-copy").addEventListener("click", function () {
    KA.copyText($("remote-url").textContent, $("remote-copy"));
  });
  // Closing the dialog forgets the link for good: nothing on the page keeps it.
  remoteDialog.addEventListener("close", function () {
    setText($("remote-url"), "");
    focusPad(remoteFor, "revoke");
    remoteFor = null;
  });

  window.addEventListener("beforeunload", function (e) {
    if (dirty()) {
      e.preventDefault();
      e.returnValue = "";
    }
  });
  changed();
}

function onState(s) {
  projects = (s.projects || []).slice();
  if (!KA.isShown("pads")) return;
  if (renderProjectChoices()) refreshPreview();
  renderPads();
  // A command or an edit elsewhere may have changed a pad's state or the settings: ask again, once.
  clearTimeout(refetchTimer);
  refetchTimer = setTimeout(function () {
    loadPads();
    loadCert(false);
  }, 200);
}

function show(s) {
  if (s) projects = (s.projects || []).slice();
  renderProjectChoices();
  renderPads();
  padsKey = "";
  loadPads();
  loadCert(false);
  refreshPreview();
  poll();
}

function language() {
  padsKey = "";
  renderPartyChoices(addForm.elements.party, projectById(addForm.elements.project_id.value));
  if (cert) renderBackground(cert);
  changed();
  if (KA.isShown("pads")) {
    loadPads();
    loadCert(false);
    refreshPreview();
  }
}

KA.section({
  id: "pads",
  init: init,
  show: show,
  state: onState,
  language: language,
  dirty: dirty,
});
