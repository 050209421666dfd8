/*
 * Admin section 3 — import: a CSV/XLSX file is previewed first (every row, bad cells in red with each
 * problem's text), then applied all or nothing, or cancelled. The server keeps the exact previewed bytes
 * under an upload id; nothing changes until "apply import".
 */
import { $, clear, el, setText } from "../common/dom.js";
import { t } from "../common/words.js";
import { adopt, confirmDialog, currentState, errorMessage, go } from "./shell.js";
import { section, send, settings, toast, upload } from "./shell.js";

// The import format's fields in column order (the server's list).
const FIELD_KEYS = settings.import_keys;

let preview = null; // the server's answer for the file on screen
let busy = false;

function cellText(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  return String(value);
}

function render() {
  const box = $("import-result");
  const zone = $("dropzone");
  zone.classList.toggle("is-compact", !!preview);
  const chooseLabel = zone.querySelector(".file-btn span");
  chooseLabel.setAttribute("data-t", preview ? "choose_again" : "choose_file");
  setText(chooseLabel, t(preview ? "choose_again" : "choose_file"));
  $("import-guide").hidden = !!preview;
  const badge = $("badge-import");
  setText(badge, preview ? (preview.ok ? t("badge_ready") : "✕") : "");
  badge.className = "nav-badge" + (preview ? (preview.ok ? " is-warn" : " is-danger") : "");
  badge.title = preview && preview.ok ? t("badge_ready_title") : "";
  if (!preview) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const data = preview;
  const agenda = chosenAgenda();
  const agendaProblems = agenda && data.ok ? agenda.problems.length : 0;
  const problemCount =
    (data.problems || []).length + data.rows.reduce((n, r) => n + r.problems.length, 0) + agendaProblems;
  const ok = data.ok && !agendaProblems;

  // Summary line
  const summary = $("import-summary");
  clear(summary);
  summary.className = "import-summary " + (ok ? "is-ok" : "is-bad");
  summary.appendChild(el("span", "big-icon", ok ? "✓" : "✕"));
  const text = ok
    ? t("import_ok", { count: data.count, total: data.total.text })
    : agendaProblems || data.rows.length || problemCount > (data.problems || []).length
      ? t("import_bad", { count: problemCount })
      : t("import_bad_file");
  summary.appendChild(el("span", "summary-text", text));
  summary.appendChild(el("span", "file-name", data.filename || ""));

  // File-level problems
  const fileProblems = $("file-problems");
  clear(fileProblems);
  (data.problems || []).forEach((p) => {
    fileProblems.appendChild(el("li", null, p));
  });
  fileProblems.hidden = !(data.problems || []).length;

  // Ignored columns
  const ignored = $("ignored-note");
  clear(ignored);
  if ((data.ignored_columns || []).length) {
    ignored.appendChild(document.createTextNode(t("ignored_cols")));
    data.ignored_columns.forEach((name, i) => {
      if (i) ignored.appendChild(document.createTextNode(" "));
      ignored.appendChild(el("code", null, name));
    });
    ignored.hidden = false;
  } else {
    ignored.hidden = true;
  }

  // The table: the file's own headers, in the import format's order
  const columns = data.columns || {};
  const keys = FIELD_KEYS.filter((k) => Object.prototype.hasOwnProperty.call(columns, k));
  const showWan = !!(columns.amount_yi !== undefined || columns.amount_wan !== undefined);

  const table = $("preview-table");
  const thead = table.querySelector("thead");
  const tbody = table.querySelector("tbody");
  clear(thead);
  clear(tbody);
  table.hidden = !data.rows.length;
  const hr = el("tr");
  hr.appendChild(el("th", null, t("col_row")));
  hr.appendChild(el("th", null, t("col_check")));
  keys.forEach((k) => {
    const th = el("th", k === "amount_yi" || k === "amount_wan" || k === "land_mu" ? "num" : null, columns[k]);
    th.setAttribute("data-key", k);
    hr.appendChild(th);
  });
  if (showWan) hr.appendChild(el("th", "num", t("col_amount_wan")));
  thead.appendChild(hr);
  const span = keys.length + (showWan ? 1 : 0) + 2;

  data.rows.forEach((r) => {
    const bad = {};
    r.problems.forEach((p) => {
      let key = p.field;
      if (key === "amount_wan" && !keys.includes("amount_wan")) key = "amount_yi";
      if (key === "amount_yi" && !keys.includes("amount_yi")) key = "amount_wan";
      if (key) bad[key] = true;
    });
    const tr = el("tr", r.problems.length ? "row-bad" : "row-ok");
    tr.setAttribute("data-row", r.row);
    tr.appendChild(el("td", "row-no", r.row));
    const check = el("td", "row-check" + (r.problems.length ? "" : " ok-mark"), r.problems.length ? "" : t("row_ok"));
    if (r.problems.length) check.appendChild(el("span", "chip is-bad", "✕ " + r.problems.length));
    tr.appendChild(check);
    keys.forEach((k) => {
      const value = cellText(r.cells[k]);
      const cls = [];
      if (k === "amount_yi" || k === "amount_wan" || k === "land_mu") cls.push("num");
      if (bad[k]) cls.push("cell-bad");
      if (!value) cls.push("cell-empty");
      const td = el("td", cls.join(" "), value || "—");
      td.setAttribute("data-key", k);
      tr.appendChild(td);
    });
    if (showWan) tr.appendChild(el("td", "num", r.amount ? r.amount.text : ""));
    tbody.appendChild(tr);
    if (r.problems.length) {
      const pr = el("tr", "problems-row");
      const td = el("td");
      td.colSpan = span;
      const ul = el("ul", "problem-list");
      r.problems.forEach((p) => {
        ul.appendChild(el("li", null, p.text));
      });
      td.appendChild(ul);
      pr.appendChild(td);
      tbody.appendChild(pr);
    }
  });

  renderActions();
}

// The agenda the file leaves, for the way of importing now chosen (appending or replacing name the
// running order differently, so the server sent both).
function chosenAgenda() {
  if (!preview || !preview.agenda) return null;
  const replacing = $("import-replace").checked && !$("replace-wrap").hidden;
  return preview.agenda[replacing ? "replace" : "append"];
}

function renderAgenda() {
  const box = $("import-agenda");
  const agenda = chosenAgenda();
  box.hidden = !agenda || !preview.ok;
  if (box.hidden) return;
  box.classList.toggle("is-bad", !agenda.ok);
  setText($("import-agenda-count"), agenda.count ? t("import_agenda_count", { n: agenda.count }) : "");
  setText($("import-agenda-note"), agenda.note);
  const problems = $("import-agenda-problems");
  clear(problems);
  agenda.problems.forEach((p) => {
    problems.appendChild(el("li", null, p));
  });
  problems.hidden = !agenda.problems.length;
  const list = $("import-cues");
  clear(list);
  agenda.cues.forEach((cue, i) => {
    const li = el("li", "import-cue is-" + cue.change);
    li.setAttribute("data-change", cue.change);
    li.appendChild(el("span", "cue-no", i + 1));
    const head = el("span", "cue-head");
    head.appendChild(el("span", "cue-kind", cue.kind_text));
    head.appendChild(document.createTextNode(cue.title));
    li.appendChild(head);
    const tone = { same: "", emptied: " is-bad" }[cue.change];
    li.appendChild(el("span", "chip" + (tone === undefined ? " is-announced" : tone), t("agenda_change_" + cue.change)));
    if (cue.detail) li.appendChild(el("span", "cue-detail", cue.detail));
    list.appendChild(li);
  });
  const removed = $("import-agenda-removed");
  removed.hidden = !agenda.removed.length;
  setText(removed, agenda.removed.length ? t("import_agenda_removed", { n: agenda.removed.length, names: agenda.removed_text }) : "");
}

function renderActions() {
  if (!preview) return;
  const s = currentState();
  const signed = s ? s.signed_count : preview.signed;
  const existing = s ? s.project_count : 0;
  const canReplace = signed === 0 && existing > 0;
  $("replace-wrap").hidden = !canReplace;
  if (!canReplace) $("import-replace").checked = false;
  setText($("replace-label"), t("replace_label", { count: existing }));
  const note = $("replace-note");
  // Rows named like projects already in the running order can only come in by replacing it: importing
  // the same file twice must not double the ceremony.
  const clashes = preview.clashes || [];
  const replacing = canReplace && $("import-replace").checked;
  const blocked = clashes.length > 0 && !replacing;
  note.classList.toggle("is-warn", blocked);
  if (blocked) {
    const names = preview.clash_names || "";
    setText(note, t(canReplace ? "clash_note" : "clash_note_signed", { count: clashes.length, names }));
    note.hidden = false;
  } else if (signed > 0) {
    setText(note, t("append_note", { signed }));
    note.hidden = false;
  } else if (canReplace && !$("import-replace").checked) {
    setText(note, t("append_default", { count: existing }));
    note.hidden = false;
  } else {
    note.hidden = true;
  }
  renderAgenda();
  const agenda = chosenAgenda();
  $("import-apply").disabled = !preview.ok || !preview.upload_id || busy || blocked || (agenda && !agenda.ok);
  $("import-replace").disabled = !preview.ok;
}

function forget() {
  if (preview && preview.upload_id) send("DELETE", "/api/v1/import/" + encodeURIComponent(preview.upload_id));
  preview = null;
  render();
}

function read(file) {
  if (busy || !file) return;
  if (preview && preview.upload_id) send("DELETE", "/api/v1/import/" + encodeURIComponent(preview.upload_id));
  preview = null;
  render();
  busy = true;
  const zone = $("dropzone");
  zone.classList.add("is-busy");
  setText(zone.querySelector(".drop-title"), t("reading", { name: file.name }));
  upload("/api/v1/import/preview", file).then((res) => {
    busy = false;
    zone.classList.remove("is-busy");
    setText(zone.querySelector(".drop-title"), t("drop_title"));
    if (res.status === 200 && res.data) {
      preview = res.data;
      $("import-replace").checked = false;
      render();
      $("import-result").scrollIntoView({ block: "start" });
    } else if (res.status !== 401) {
      preview = {
        ok: false,
        filename: file.name,
        rows: [],
        problems: [errorMessage(res)],
        columns: {},
        ignored_columns: [],
        count: 0,
      };
      render();
    }
  });
}

function apply() {
  if (!preview || !preview.ok || busy) return;
  const replace = $("import-replace").checked && !$("replace-wrap").hidden;
  const s = currentState();
  const ask = replace
    ? confirmDialog({
        title: t("replace_q"),
        text: [t("replace_text", { count: s ? s.project_count : 0, new: preview.count })],
        ok: t("replace_ok"),
        danger: true,
      })
    : Promise.resolve(true);
  ask.then((yes) => {
    if (!yes) return;
    busy = true;
    const button = $("import-apply");
    button.classList.add("is-busy");
    renderActions();
    send("POST", "/api/v1/import/apply", { upload_id: preview.upload_id, replace }).then((res) => {
      busy = false;
      button.classList.remove("is-busy");
      if (res.status === 200 && res.data) {
        preview = null;
        render();
        adopt(res.data.state);
        const cues = res.data.agenda_imported;
        toast(cues === null ? t("imported", { count: res.data.imported }) : t("imported_with_agenda", { count: res.data.imported, n: cues }), "ok", 3500);
        go("projects");
        return;
      }
      if (res.status === 401) return;
      const reason = res.data && res.data.reason;
      if (reason === "upload_expired") {
        preview = null;
        render();
      } else if (reason === "invalid_file" && res.data.problems) {
        preview.ok = false;
        preview.upload_id = null;
        preview.problems = res.data.problems;
        render();
      }
      toast(errorMessage(res), "error", 6000);
      renderActions();
    });
  });
}

function init() {
  const input = $("import-file");
  input.addEventListener("change", () => {
    const file = input.files && input.files[0];
    input.value = "";
    read(file);
  });
  const zone = $("dropzone");
  ["dragenter", "dragover"].forEach((type) => {
    zone.addEventListener(type, (e) => {
      if (!e.dataTransfer || ![...(e.dataTransfer.types || [])].includes("Files")) return;
      e.preventDefault();
      zone.classList.add("is-over");
    });
  });
  ["dragleave", "drop"].forEach((type) => {
    zone.addEventListener(type, () => {
      zone.classList.remove("is-over");
    });
  });
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    const file = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
    if (file) read(file);
  });
  $("import-apply").addEventListener("click", apply);
  $("import-cancel").addEventListener("click", () => {
    forget();
    toast(t("import_cancelled"), "ok", 2000);
  });
  // The agenda's numbers name other projects when replacing: its preview and the summary follow.
  $("import-replace").addEventListener("change", render);
}

section({
  id: "import",
  init,
  state() {
    renderActions();
  },
  language() {
    render();
  },
});
