/*
 * Admin section 3 — the agenda: every cue of the morning, as an editable table. Import a CSV/XLSX
 * (the same format and rules as the command line) or edit here and save the whole agenda at once; the
 * server checks every row with the import's rules and names the row and field of each problem. Without an
 * organiser's agenda the table starts from the one the server made from the projects.
 */
import { $, clear, el, setText } from "../common/dom.js";
import { t } from "../common/words.js";
import { adopt, currentState, errorMessage, section, send, toast, upload } from "./shell.js";

const FIELDS = ["kind", "title", "person", "role", "projects", "time", "minutes", "script"];
// The English forms, after the Chinese (blank: an English screen shows the Chinese).
const ENGLISH = ["title_en", "person_en", "role_en", "script_en"];
let rows = [],
  dirty = false,
  saving = false,
  problems = [];

function fromState(s) {
  const orders = {};
  s.projects.forEach((p) => {
    orders[p.id] = p.order;
  });
  return s.run_of_show.cues.map((c) => ({
    // (a cue the agenda made from the projects has no place in the store yet: saved, it is new)
    id: c.id.indexOf("auto-") === 0 ? null : c.id,

    kind: c.kind,
    // What was typed, both languages (the view's are the screens', English in an English event).
    title: c.typed.title,
    person: c.typed.person || "",
    role: c.typed.role || "",
    title_en: c.typed.title_en || "",
    person_en: c.typed.person_en || "",
    role_en: c.typed.role_en || "",
    script_en: c.typed.script_en || "",
    projects: c.project_ids
      .map((id) => orders[id])
      .filter(Boolean)
      .join(t("list_sep")),
    time: c.planned_time || "",
    minutes: c.minutes ? String(c.minutes) : "",
    script: c.typed.script || "",
  }));
}

function input(row, key, index) {
  const s = currentState();
  let node;
  if (key === "kind") {
    node = el("select");
    s.cue_kinds.forEach((k) => {
      const option = el("option", null, k.label);
      option.value = k.id;
      node.appendChild(option);
    });
  } else if (key === "script" || key === "script_en") {
    node = el("textarea");
    node.rows = 2;
  } else {
    node = el("input");
    node.type = "text";
    if (key === "minutes") node.inputMode = "numeric";
    if (key === "time") node.placeholder = t("time_example");
    if (key === "projects") node.placeholder = t("list_example");
  }
  node.value = row[key] || "";
  node.setAttribute("data-field", key);
  node.addEventListener("input", () => {
    rows[index][key] = node.value;
    touched();
  });
  const label = el("label", "field afield afield-" + key);
  label.appendChild(el("span", "field-label", t("agenda_" + key)));
  label.appendChild(node);
  const mine = problems.filter((p) => p.row === index + 1 && p.field === "cue_" + key);
  if (mine.length) {
    label.classList.add("is-invalid");
    label.appendChild(el("span", "field-error", mine.map((p) => p.reason).join(" ")));
  }
  return label;
}

function tool(action, glyph, label, index) {
  const b = el("button", "icon-btn", glyph);
  b.type = "button";
  b.title = label;
  b.setAttribute("aria-label", label);
  b.addEventListener("click", () => {
    move(action, index);
  });
  return b;
}

function render() {
  const s = currentState();
  if (!s || !s.run_of_show) return;
  if (!dirty) rows = fromState(s);
  const list = $("alist");
  clear(list);
  rows.forEach((row, i) => {
    const li = el("li", "arow");
    li.setAttribute("data-row", String(i + 1));
    const head = el("div", "arow-head");
    head.appendChild(el("span", "order-dot", i + 1));
    const tools = el("span", "arow-tools");
    tools.appendChild(tool("up", "↑", t("agenda_up"), i));
    tools.appendChild(tool("down", "↓", t("agenda_down"), i));
    tools.appendChild(tool("remove", "✕", t("agenda_remove"), i));
    head.appendChild(tools);
    li.appendChild(head);
    const grid = el("div", "arow-grid");
    FIELDS.concat(ENGLISH).forEach((key) => {
      grid.appendChild(input(row, key, i));
    });
    li.appendChild(grid);
    list.appendChild(li);
  });
  const note = $("agenda-note");
  const made = s.agenda_made && !dirty;
  note.hidden = !(made || dirty);
  setText(note, dirty ? t("agenda_dirty") : made ? t("agenda_made") : "");
  const box = $("agenda-problems");
  box.hidden = !problems.length;
  const ul = $("agenda-problem-list");
  clear(ul);
  problems.forEach((p) => {
    ul.appendChild(el("li", null, p.text));
  });
  $("agenda-save").disabled = saving || !rows.length;
  setText($("badge-agenda"), rows.length ? String(rows.length) : "");
}

function touched() {
  if (!dirty) {
    dirty = true;
    const note = $("agenda-note");
    note.hidden = false;
    setText(note, t("agenda_dirty"));
  }
}

function move(action, i) {
  if (action === "remove") rows.splice(i, 1);
  else {
    const j = action === "up" ? i - 1 : i + 1;
    if (j < 0 || j >= rows.length) return;
    const row = rows[i];
    rows[i] = rows[j];
    rows[j] = row;
  }
  problems = [];
  touched();
  render();
}

function answered(res, okWord) {
  saving = false;
  if (res.status === 200 && res.data) {
    dirty = false;
    problems = [];
    adopt(res.data.state);
    toast(t(okWord, { n: res.data.imported }), "ok", 3000);
  } else if (res.status !== 401) {
    problems = (res.data && res.data.placed) || [];
    if (!problems.length) toast(errorMessage(res), "error", 6000);
  }
  render();
}

function save() {
  if (saving) return;
  saving = true;
  render();
  send("PUT", "/api/v1/agenda", { cues: rows }).then((res) => {
    answered(res, "agenda_saved");
  });
}

function init() {
  $("agenda-save").addEventListener("click", save);
  $("agenda-add").addEventListener("click", () => {
    rows.push({ kind: "speech", title: "", person: "", role: "", projects: "", time: "", minutes: "", script: "" });
    touched();
    render();
  });
  $("agenda-file").addEventListener("change", () => {
    const file = $("agenda-file").files[0];
    $("agenda-file").value = "";
    if (!file) return;
    saving = true;
    render();
    upload("/api/v1/agenda/import", file).then((res) => {
      answered(res, "agenda_imported");
    });
  });
}

section({
  id: "agenda",
  init,
  show: render,
  state: render,
  language: render,
});
