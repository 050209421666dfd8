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
import { $, clear, el, mediaUrl, setText, showImage } from "../common/dom.js";
import { t } from "../common/words.js";
import { clearErrors, confirmDialog, copyText, currentState, errorMessage, get, isShown } from "./shell.js";
import { section, send, settings, showErrors, toast, upload } from "./shell.js";

// What a colour looks like here, from the server's rule for the field: only to keep the colour picker in
// step with the text; the server checks the colour itself on save and its answer is what the field shows.
const HEX = new RegExp("^(?:" + settings.limits.ink_color.pattern + ")$");
const MAX_IMAGE = settings.max_image_bytes;
const POLL_MS = 5000;
// The server may name a field by its stored key; the forms name it as the API's body does.
const ALIASES = {
  ink_color: "ink",
  certificate_template: "template",
  certificate_background: "background",
  file: "background",
  pad_name: "name",
  pad_party: "party",
  pad_remote_place: "remote_place",
  project: "project_id",
};

let form, addForm, dialog, dform, remoteDialog;
let projects = [],
  pads = [],
  padsLoaded = false,
  padsKey = "",
  padsSeq = 0,
  pollTimer = null,
  refetchTimer = null;
let cert = null,
  baseline = null,
  certSeq = 0,
  saving = false;
let previewId = null,
  previewCount = 0,
  editing = null,
  remoteFor = null;

// ---------------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------------

function path(id, tail) {
  return "/api/v1/pads/" + encodeURIComponent(id) + (tail || "");
}

function projectById(id) {
  return projects.find((x) => x.id === id) || null;
}

function padById(id) {
  return pads.find((x) => x.id === id) || null;
}

/** A link as the phone or tablet opens it (the server may send a path). */
function absolute(url) {
  try {
    return new URL(url, window.location.href).href;
  } catch (e) {
    return String(url || "");
  }
}

/**
 * A 400's problems as [{field, reason}], whichever way the server wrote them: the event form's
 * ``errors`` ({field, reason}) or ``problems`` ({field, text}).
 */
function problemsOf(res) {
  const d = res.data || {};
  const list = Array.isArray(d.errors) ? d.errors : Array.isArray(d.problems) ? d.problems : [];
  return list
    .filter((p) => p && typeof p === "object")
    .map((p) => ({
      field: p.field,
      reason: p.reason || p.text || p.message || "",
    }));
}

/** Show a failed write's problems on their fields; what has no field goes to ``message``. */
function showProblems(root, res, message) {
  const problems = problemsOf(res);
  if (res.status === 400 && problems.length) {
    const left = showErrors(root, problems, ALIASES);
    setText(message, left.length ? left.map((p) => p.reason).join(" ") : t("fix_fields"));
  } else if (res.status !== 401) {
    setText(message, errorMessage(res));
  }
}

function clearField(field) {
  if (!field) return;
  field.classList.remove("is-invalid");
  setText(field.querySelector(".field-error"), "");
}

function clearFieldOnInput(root) {
  root.addEventListener("input", (e) => {
    const field = e.target.closest(".field");
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
  const v = values();
  return Object.keys(baseline).some((k) => v[k] !== baseline[k]);
}

function syncInk() {
  const ink = form.elements.ink.value.trim().toLowerCase();
  if (HEX.test(ink)) $("cert-ink-pick").value = ink;
  document.querySelectorAll("#ink-swatches .ink-swatch").forEach((b) => {
    b.setAttribute("aria-pressed", b.getAttribute("data-ink") === ink ? "true" : "false");
  });
}

function changed() {
  const d = dirty();
  $("cert-dirty").hidden = !d;
  $("cert-revert").disabled = !d || saving;
  $("cert-save").disabled = saving || !cert;
  syncInk();
}

function renderTemplates(c) {
  const select = form.elements.template;
  // Rebuilt only when the list changed: a state moving elsewhere must not shut an open drop-down.
  const signature = JSON.stringify([c.templates, c.template]);
  if (select.getAttribute("data-sig") === signature) return;
  select.setAttribute("data-sig", signature);
  const keep = select.value || c.template;
  clear(select);
  (c.templates || []).forEach((tpl) => {
    const option = el("option", null, tpl.label || tpl.id);
    option.value = tpl.id;
    select.appendChild(option);
  });
  // A stored template the list does not name still shows (saved again as it is).
  if (c.template && !select.querySelector('option[value="' + CSS.escape(c.template) + '"]')) {
    const extra = el("option", null, c.template);
    extra.value = c.template;
    select.appendChild(extra);
  }
  select.value = keep;
}

function renderBackground(c) {
  const url = mediaUrl(c.background);
  showImage($("cert-bg-img"), url);
  // A background the page cannot show as a picture is still there: say so rather than "none".
  $("cert-bg-empty").hidden = !!url;
  setText($("cert-bg-empty"), c.background && !url ? t("cert_background_set") : t("cert_no_background"));
  $("cert-bg-remove").hidden = !c.background;
  const label = $("cert-bg-upload-label");
  const word = c.background ? "replace_file" : "upload";
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
  clearErrors(form);
  setText($("cert-message"), "");
  changed();
}

function loadCert(force) {
  const mine = ++certSeq;
  return get("/api/v1/certificate").then((res) => {
    if (mine !== certSeq) return;
    const box = $("cert-unavailable");
    if (res.status !== 200 || !res.data) {
      if (res.status === 401) return;
      box.hidden = false;
      setText(box, t("cert_unavailable", { message: errorMessage(res) }));
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
  clearErrors(form);
  setText($("cert-message"), "");
  saving = true;
  busy($("cert-save"), true);
  send("PUT", "/api/v1/certificate", values()).then((res) => {
    saving = false;
    busy($("cert-save"), false);
    if (res.status === 200) {
      adoptCert(res).then(() => {
        toast(t("cert_saved"), "ok", 2500);
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
    showErrors(form, [{ field: "background", reason: t("media_too_big") }]);
    return;
  }
  const button = $("cert-bg-btn");
  button.classList.add("is-busy");
  upload("/api/v1/certificate/background", file).then((res) => {
    button.classList.remove("is-busy");
    if (res.status === 200 || res.status === 201) {
      adoptBackground(res).then(() => {
        toast(t("cert_bg_uploaded"), "ok", 2500);
        refreshPreview();
      });
    } else if (res.status !== 401) {
      const problems = problemsOf(res);
      const reason = problems.length ? problems.map((p) => p.reason).join(" ") : errorMessage(res);
      showErrors(form, [{ field: "background", reason }]);
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
  confirmDialog({
    title: t("cert_bg_remove_q"),
    text: [t("cert_bg_remove_text")],
    ok: t("remove"),
    danger: true,
  }).then((yes) => {
    if (!yes) return;
    send("DELETE", "/api/v1/certificate/background").then((res) => {
      if (res.status === 200 || res.status === 204) {
        if (res.status === 204) res.data = { background: null };
        adoptBackground(res).then(() => {
          toast(t("cert_bg_removed"), "ok", 2500);
          refreshPreview();
        });
      } else if (res.status !== 401) {
        showErrors(form, [{ field: "background", reason: errorMessage(res) }]);
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// The certificate: preview
// ---------------------------------------------------------------------------------------------------

function renderProjectChoices() {
  const signature = projects.map((p) => p.id + "\u0000" + p.order + "\u0000" + p.name).join("\u0001");
  [$("cert-preview-project"), addForm.elements.project_id].forEach((select) => {
    if (select.getAttribute("data-sig") === signature) return;
    const keep = select.value;
    clear(select);
    projects.forEach((p) => {
      const option = el("option", null, p.order + ". " + p.name);
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
  const s = currentState();
  const host = (s && s.event && s.event.host) || "";
  const sides = { host, investor: project ? project.investor : "" };
  [...select.options].forEach((option) => {
    const party = t(option.value === "host" ? "party_host" : "party_investor");
    const side = sides[option.value];
    setText(option, side ? t("party_choice", { party, side }) : party);
  });
}

function refreshPreview() {
  const img = $("cert-preview");
  const note = $("cert-preview-note");
  const p = projectById(previewId);
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
  const img = $("cert-preview");
  img.hidden = false;
  img.setAttribute("data-state", "ok");
  $("cert-preview-note").hidden = true;
}

function previewFailed() {
  const img = $("cert-preview");
  if (!img.getAttribute("src")) return;
  img.hidden = true;
  img.setAttribute("data-state", "failed");
  const note = $("cert-preview-note");
  note.hidden = false;
  setText(note, t("cert_preview_failed"));
}

// ---------------------------------------------------------------------------------------------------
// The pads
// ---------------------------------------------------------------------------------------------------

function loadPads() {
  const mine = ++padsSeq;
  return get("/api/v1/pads").then((res) => {
    if (mine !== padsSeq) return;
    if (res.status !== 200 || !res.data) {
      if (res.status !== 401 && !pads.length) {
        setText($("pads-count"), t("pads_unavailable", { message: errorMessage(res) }));
      }
      return;
    }
    const list = Array.isArray(res.data) ? res.data : res.data.pads || [];
    const key = JSON.stringify(list);
    padsLoaded = true;
    if (key === padsKey) return;
    padsKey = key;
    pads = list;
    renderPads();
  });
}

function chipFor(className, text, title) {
  const c = el("span", "chip " + className, text);
  if (title) c.title = title;
  return c;
}

function actionButton(action, word, pad, extra) {
  const b = el("button", "btn small" + (extra ? " " + extra : ""), t(word));
  b.type = "button";
  b.setAttribute("data-action", action);
  // Every row has the same buttons: the signatory's name tells a screen reader whose pad it is.
  b.setAttribute("aria-describedby", "pad-who-" + pad._n);
  return b;
}

function padRow(pad) {
  const li = el("li", "pad-row");
  li.setAttribute("data-id", pad.id);
  li.setAttribute("data-state", pad.state || "");

  const who = el("div", "pad-who");
  const name = el("span", "pad-name", pad.name);
  name.id = "pad-who-" + pad._n;
  who.appendChild(name);
  who.appendChild(chipFor("pad-party is-" + (pad.party || ""), pad.party_text || pad.party));
  // The wall's own words for a remote party ("remote_text"), as the room will read them.
  if (pad.remote_place)
    who.appendChild(chipFor("pad-remote", pad.remote_text || t("pad_remote_chip", { place: pad.remote_place })));
  li.appendChild(who);

  const status = el("div", "pad-status");
  status.appendChild(chipFor("pad-state is-" + (pad.state || "waiting"), pad.state_text || pad.state));
  const claimed = el(
    "span",
    "pad-claimed" + (pad.claimed ? " is-yes" : ""),
    t(pad.claimed ? "pad_claimed" : "pad_unclaimed")
  );
  status.appendChild(claimed);
  if (pad.remote_active) status.appendChild(chipFor("pad-remote-on", t("pad_remote_active")));
  li.appendChild(status);

  const link = el("div", "pad-link");
  const inputId = "pad-url-" + pad._n;
  const label = el("label", "pad-link-label", t("pad_local_link"));
  label.htmlFor = inputId;
  link.appendChild(label);
  const row = el("span", "url-row");
  const input = el("input");
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

  const actions = el("div", "pad-actions");
  actions.appendChild(actionButton("link", "pad_new_link", pad));
  if (pad.remote_active) actions.appendChild(actionButton("revoke", "pad_revoke_remote", pad, "danger"));
  else actions.appendChild(actionButton("remote", "pad_remote_link", pad));
  actions.appendChild(actionButton("edit", "edit", pad));
  actions.appendChild(actionButton("delete", "delete", pad, "ghost danger-text"));
  li.appendChild(actions);
  return li;
}

function renderPads() {
  const box = $("pad-groups");
  // The list is redrawn whole: keep the keyboard where it was (same pad, same control).
  const focused = document.activeElement;
  let keep = null;
  if (focused && box.contains(focused)) {
    const row = focused.closest(".pad-row");
    keep = row ? { id: row.getAttribute("data-id"), action: focused.getAttribute("data-action") } : null;
  }
  clear(box);
  $("pads-no-projects").hidden = projects.length > 0;
  // Until the first answer, no group claims to have no pads.
  if (!padsLoaded) return;
  const byProject = {};
  pads.forEach((pad, i) => {
    pad._n = i;
    (byProject[pad.project_id] = byProject[pad.project_id] || []).push(pad);
  });
  // The running order, then any pad whose project this page does not know yet.
  const groups = projects.map((p) => ({
    id: p.id,
    order: p.order,
    name: p.name,
    investor: p.investor,
  }));
  Object.keys(byProject).forEach((id) => {
    if (projectById(id)) return;
    const first = byProject[id][0];
    groups.push({ id, order: first.project_order || "", name: first.project_name || id, investor: "" });
  });
  groups.forEach((g, gi) => {
    const mine = (byProject[g.id] || []).slice().sort((a, b) => (a.order || 0) - (b.order || 0));
    const group = el("section", "pad-group");
    group.setAttribute("data-project", g.id);
    const headId = "pad-group-" + gi;
    group.setAttribute("aria-labelledby", headId);
    const head = el("h3", "pad-group-head");
    head.id = headId;
    head.appendChild(el("span", "order-dot", g.order));
    const title = el("span", "pad-group-title");
    title.appendChild(el("span", "pad-group-name", g.name));
    if (g.investor) title.appendChild(el("span", "pad-group-investor", g.investor));
    head.appendChild(title);
    head.appendChild(el("span", "pad-group-count", t("pads_count", { n: mine.length })));
    group.appendChild(head);
    if (mine.length) {
      const ol = el("ol", "pad-list");
      mine.forEach((pad) => {
        ol.appendChild(padRow(pad));
      });
      group.appendChild(ol);
    } else {
      group.appendChild(el("p", "pad-none", t("pads_none_for_project")));
    }
    box.appendChild(group);
  });
  setText($("pads-count"), t("pads_count", { n: pads.length }));
  setText($("badge-pads"), pads.length ? String(pads.length) : "");
  if (keep) {
    const again = box.querySelector('.pad-row[data-id="' + CSS.escape(keep.id) + '"]');
    const target = again && keep.action ? again.querySelector('[data-action="' + keep.action + '"]') : null;
    if (target) target.focus();
    else focusPad(again ? keep.id : null, null);
  }
}

/**
 * Put the keyboard back on a pad's control once a dialog closes (the row it came from may have been
 * redrawn meanwhile): that control, else the row's first button, else the next thing in the section.
 */
function focusPad(id, action) {
  const box = $("pad-groups");
  const row = id ? box.querySelector('.pad-row[data-id="' + CSS.escape(id) + '"]') : null;
  let target = row && action ? row.querySelector('[data-action="' + action + '"]') : null;
  if (!target && row) target = row.querySelector("button");
  if (!target) target = $("pads-generate");
  target.focus();
}

function flashRow(id) {
  const row = $("pad-groups").querySelector('.pad-row[data-id="' + CSS.escape(id) + '"]');
  if (!row) return;
  row.classList.remove("is-flash");
  void row.offsetWidth;
  row.classList.add("is-flash");
}

function reloadAndFlash(id) {
  padsKey = "";
  return loadPads().then(() => {
    if (id) flashRow(id);
  });
}

function gone(res) {
  if (res.status === 404) {
    toast(t("pads_gone"), "warn", 4000);
    reloadAndFlash(null);
    return true;
  }
  return false;
}

// -- adding and generating ---------------------------------------------------------------------------

function add(e) {
  e.preventDefault();
  clearErrors(addForm);
  const message = $("pad-add-message");
  setText(message, "");
  const body = {
    name: addForm.elements.name.value.trim(),
    project_id: addForm.elements.project_id.value,
    party: addForm.elements.party.value,
    remote_place: addForm.elements.remote_place.value.trim(),
  };
  const button = $("pad-add");
  busy(button, true);
  send("POST", "/api/v1/pads", body).then((res) => {
    busy(button, false);
    if (res.status === 201 || res.status === 200) {
      addForm.elements.name.value = "";
      addForm.elements.remote_place.value = "";
      toast(t("pad_added", { name: body.name }), "ok", 2500);
      reloadAndFlash(res.data && res.data.id);
      addForm.elements.name.focus();
      return;
    }
    showProblems(addForm, res, message);
  });
}

/** The add form opens under the panel's head (the list stays in view) and closes with Esc or Cancel. */
function showAddForm(open) {
  const toggle = $("pad-add-toggle");
  addForm.hidden = !open;
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
  if (open) {
    renderPartyChoices(addForm.elements.party, projectById(addForm.elements.project_id.value));
    addForm.elements.name.focus();
  } else {
    clearErrors(addForm);
    setText($("pad-add-message"), "");
    toggle.focus();
  }
}

function generate() {
  const button = $("pads-generate");
  busy(button, true);
  // The district's signatory (one official for every project), when the organiser names one.
  const host = $("pads-host-name").value.trim();
  send("POST", "/api/v1/pads/from-signatories", host ? { host_name: host } : {}).then((res) => {
    busy(button, false);
    if (res.status === 200 || res.status === 201) {
      const n = (res.data && res.data.created) || 0;
      toast(n ? t("pads_generated", { n }) : t("pads_generated_none"), n ? "ok" : "warn", 4000);
      reloadAndFlash(null);
    } else if (res.status !== 401) {
      toast(errorMessage(res), "error", 6000);
    }
  });
}

// -- one pad's actions -------------------------------------------------------------------------------

function openEdit(pad) {
  editing = pad.id;
  clearErrors(dform);
  setText($("pad-message"), "");
  setText($("pad-dialog-title"), t("pad_edit_title", { name: pad.name }));
  const p = projectById(pad.project_id);
  setText(
    $("pad-dialog-project"),
    t("pad_dialog_project", { name: p ? p.order + ". " + p.name : pad.project_name || "" })
  );
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
  const id = editing;
  if (!id) return;
  clearErrors(dform);
  setText($("pad-message"), "");
  const body = {
    name: dform.elements.name.value.trim(),
    party: dform.elements.party.value,
    remote_place: dform.elements.remote_place.value.trim(),
  };
  const button = $("pad-save");
  busy(button, true);
  send("PUT", path(id), body).then((res) => {
    busy(button, false);
    if (res.status === 200) {
      dialog.close("saved");
      toast(t("pad_saved", { name: body.name }), "ok", 2500);
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

/**
 * Ask ``question`` (a confirmDialog's options), then send ``method`` to ``url``: done, say ``done`` (a
 * toast's text, kind and time) and redraw the list with ``flashId``'s row flashed; refused, the server's
 * reason (a pad already gone says so itself).
 */
function askThenSend(question, method, url, done, flashId) {
  confirmDialog({ danger: true, ...question }).then((yes) => {
    if (!yes) return;
    send(method, url).then((res) => {
      if ([200, 201, 204].includes(res.status)) {
        toast(...done);
        reloadAndFlash(flashId);
      } else if (!gone(res) && res.status !== 401) {
        toast(errorMessage(res), "error", 6000);
      }
    });
  });
}

function remove(pad) {
  askThenSend(
    { title: t("pad_delete_q", { name: pad.name }), text: [t("pad_delete_text")], ok: t("delete") },
    "DELETE",
    path(pad.id),
    [t("pad_deleted", { name: pad.name }), "ok", 2500],
    null
  );
}

function newLink(pad) {
  askThenSend(
    { title: t("pad_link_q", { name: pad.name }), text: [{ warn: t("pad_link_text") }], ok: t("pad_link_ok") },
    "POST",
    path(pad.id, "/link"),
    [t("pad_link_made", { name: pad.name }), "warn", 5000],
    pad.id
  );
}

/** The local link as a QR code, for the tablet at the signing table to scan with its camera. */
function showQr(pad) {
  const dialog = $("pad-qr-dialog");
  setText($("pad-qr-title"), t("pad_qr_title", { name: pad.name }));
  const img = $("pad-qr-img");
  img.alt = t("pad_qr_alt", { name: pad.name });
  img.src = path(pad.id, "/qr.svg") + "?t=" + encodeURIComponent(pad.url || "");
  dialog.showModal();
}

function makeRemote(pad, button) {
  busy(button, true);
  send("POST", path(pad.id, "/remote")).then((res) => {
    busy(button, false);
    const url = res.data && res.data.remote_url;
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
      toast(errorMessage(res), "error", 6000);
    }
  });
}

function revokeRemote(pad) {
  askThenSend(
    { title: t("pad_revoke_q", { name: pad.name }), text: [{ warn: t("pad_revoke_text") }], ok: t("pad_revoke_ok") },
    "DELETE",
    path(pad.id, "/remote"),
    [t("pad_revoked", { name: pad.name }), "ok", 3000],
    pad.id
  );
}

function onListClick(e) {
  const button = e.target.closest("button[data-action]");
  if (!button) return;
  const row = button.closest(".pad-row");
  const pad = row && padById(row.getAttribute("data-id"));
  if (!pad) return;
  const action = button.getAttribute("data-action");
  if (action === "copy") copyText(absolute(pad.url), button);
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
  pollTimer = setTimeout(() => {
    if (!isShown("pads")) return;
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
  form.addEventListener("input", (e) => {
    if (e.target.id === "cert-ink-pick") form.elements.ink.value = e.target.value.toLowerCase();
    changed();
  });
  form.addEventListener("change", changed);
  $("ink-swatches").addEventListener("click", (e) => {
    const b = e.target.closest(".ink-swatch");
    if (!b) return;
    form.elements.ink.value = b.getAttribute("data-ink");
    clearField(form.querySelector('.field[data-field="ink"]'));
    changed();
  });
  $("cert-revert").addEventListener("click", () => {
    if (cert) fillCert(cert);
  });
  $("cert-bg-file").addEventListener("change", () => {
    const input = $("cert-bg-file");
    const file = input.files && input.files[0];
    input.value = "";
    if (file) uploadBackground(file);
  });
  $("cert-bg-remove").addEventListener("click", removeBackground);
  $("cert-preview").addEventListener("load", previewLoaded);
  $("cert-preview").addEventListener("error", previewFailed);
  $("cert-preview-project").addEventListener("change", () => {
    previewId = $("cert-preview-project").value;
    refreshPreview();
  });

  addForm.addEventListener("submit", add);
  clearFieldOnInput(addForm);
  addForm.elements.project_id.addEventListener("change", () => {
    renderPartyChoices(addForm.elements.party, projectById(addForm.elements.project_id.value));
  });
  $("pad-add-toggle").addEventListener("click", () => {
    showAddForm(addForm.hidden);
  });
  $("pad-add-cancel").addEventListener("click", () => {
    showAddForm(false);
  });
  addForm.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      showAddForm(false);
    }
  });
  $("pads-generate").addEventListener("click", generate);
  $("pad-groups").addEventListener("click", onListClick);

  dform.addEventListener("submit", saveEdit);
  clearFieldOnInput(dform);
  $("pad-cancel").addEventListener("click", () => {
    dialog.close("cancel");
  });
  dialog.addEventListener("close", () => {
    const id = editing;
    editing = null;
    focusPad(id, "edit");
  });

  $("remote-copy").addEventListener("click", () => {
    copyText($("remote-url").textContent, $("remote-copy"));
  });
  // Closing the dialog forgets the link for good: nothing on the page keeps it.
  remoteDialog.addEventListener("close", () => {
    setText($("remote-url"), "");
    focusPad(remoteFor, "revoke");
    remoteFor = null;
  });

  window.addEventListener("beforeunload", (e) => {
    if (dirty()) {
      e.preventDefault();
      e.returnValue = "";
    }
  });
  changed();
}

function onState(s) {
  projects = (s.projects || []).slice();
  if (!isShown("pads")) return;
  if (renderProjectChoices()) refreshPreview();
  renderPads();
  // A command or an edit elsewhere may have changed a pad's state or the settings: ask again, once.
  clearTimeout(refetchTimer);
  refetchTimer = setTimeout(() => {
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
  if (isShown("pads")) {
    loadPads();
    loadCert(false);
    refreshPreview();
  }
}

section({
  id: "pads",
  init,
  show,
  state: onState,
  language,
  dirty,
});
