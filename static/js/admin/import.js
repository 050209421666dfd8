/*
 * Admin section 3 — import: a CSV/XLSX file is previewed first (every row, bad cells in red with each
 * problem's text), then applied all or nothing, or cancelled. The server keeps the exact previewed bytes
 * under an upload id; nothing changes until "apply import".
 */
import { KA } from "./shell.js";

  var t = KA.t, $ = KA.$, el = KA.el, setText = KA.setText, clear = KA.clear;

  // The import format's fields in column order (the server's list).
  var FIELD_KEYS = KA.settings.import_keys;

  var preview = null; // the server's answer for the file on screen
  var busy = false;

  function cellText(value) {
    if (value === null || value === undefined) return "";
    if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
    return String(value);
  }

  function render() {
    var box = $("import-result");
    var zone = $("dropzone");
    zone.classList.toggle("is-compact", !!preview);
    var chooseLabel = zone.querySelector(".file-btn span");
    chooseLabel.setAttribute("data-t", preview ? "choose_again" : "choose_file");
    setText(chooseLabel, t(preview ? "choose_again" : "choose_file"));
    $("import-guide").hidden = !!preview;
    var badge = $("badge-import");
    setText(badge, preview ? (preview.ok ? t("badge_ready") : "✕") : "");
    badge.className = "nav-badge" + (preview ? (preview.ok ? " is-warn" : " is-danger") : "");
    badge.title = preview && preview.ok ? t("badge_ready_title") : "";
    if (!preview) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    var data = preview;
    var problemCount = (data.problems || []).length + data.rows.reduce(function (n, r) { return n + r.problems.length; }, 0);

    // Summary line
    var summary = $("import-summary");
    clear(summary);
    summary.className = "import-summary " + (data.ok ? "is-ok" : "is-bad");
    summary.appendChild(el("span", "big-icon", data.ok ? "✓" : "✕"));
    var text = data.ok
      ? t("import_ok", { count: data.count, total: data.total.text })
      : data.rows.length || problemCount > (data.problems || []).length
        ? t("import_bad", { count: problemCount })
        : t("import_bad_file");
    summary.appendChild(el("span", "summary-text", text));
    summary.appendChild(el("span", "file-name", data.filename || ""));

    // File-level problems
    var fileProblems = $("file-problems");
    clear(fileProblems);
    (data.problems || []).forEach(function (p) { fileProblems.appendChild(el("li", null, p)); });
    fileProblems.hidden = !(data.problems || []).length;

    // Ignored columns
    var ignored = $("ignored-note");
    clear(ignored);
    if ((data.ignored_columns || []).length) {
      ignored.appendChild(document.createTextNode(t("ignored_cols")));
      data.ignored_columns.forEach(function (name, i) {
        if (i) ignored.appendChild(document.createTextNode(" "));
        ignored.appendChild(el("code", null, name));
      });
      ignored.hidden = false;
    } else {
      ignored.hidden = true;
    }

    // The table: the file's own headers, in the import format's order
    var columns = data.columns || {};
    var keys = FIELD_KEYS.filter(function (k) { return Object.prototype.hasOwnProperty.call(columns, k); });
    var showWan = !!(columns.amount_yi !== undefined || columns.amount_wan !== undefined);

    var table = $("preview-table");
    var thead = table.querySelector("thead");
    var tbody = table.querySelector("tbody");
    clear(thead);
    clear(tbody);
    table.hidden = !data.rows.length;
    var hr = el("tr");
    hr.appendChild(el("th", null, t("col_row")));
    hr.appendChild(el("th", null, t("col_check")));
    keys.forEach(function (k) {
      var th = el("th", k === "amount_yi" || k === "amount_wan" || k === "land_mu" ? "num" : null, columns[k]);
      th.setAttribute("data-key", k);
      hr.appendChild(th);
    });
    if (showWan) hr.appendChild(el("th", "num", t("col_amount_wan")));
    thead.appendChild(hr);
    var span = keys.length + (showWan ? 1 : 0) + 2;

    data.rows.forEach(function (r) {
      var bad = {};
      r.problems.forEach(function (p) {
        var key = p.field;
        if (key === "amount_wan" && !keys.includes("amount_wan")) key = "amount_yi";
        if (key === "amount_yi" && !keys.includes("amount_yi")) key = "amount_wan";
        if (key) bad[key] = true;
      });
      var tr = el("tr", r.problems.length ? "row-bad" : "row-ok");
      tr.setAttribute("data-row", r.row);
      tr.appendChild(el("td", "row-no", r.row));
      var check = el("td", "row-check" + (r.problems.length ? "" : " ok-mark"), r.problems.length ? "" : t("row_ok"));
      if (r.problems.length) check.appendChild(el("span", "chip is-bad", "✕ " + r.problems.length));
      tr.appendChild(check);
      keys.forEach(function (k) {
        var value = cellText(r.cells[k]);
        var cls = [];
        if (k === "amount_yi" || k === "amount_wan" || k === "land_mu") cls.push("num");
        if (bad[k]) cls.push("cell-bad");
        if (!value) cls.push("cell-empty");
        var td = el("td", cls.join(" "), value || "—");
        td.setAttribute("data-key", k);
        tr.appendChild(td);
      });
      if (showWan) tr.appendChild(el("td", "num", r.amount ? r.amount.text : ""));
      tbody.appendChild(tr);
      if (r.problems.length) {
        var pr = el("tr", "problems-row");
        var td = el("td");
        td.colSpan = span;
        var ul = el("ul", "problem-list");
        r.problems.forEach(function (p) { ul.appendChild(el("li", null, p.text)); });
        td.appendChild(ul);
        pr.appendChild(td);
        tbody.appendChild(pr);
      }
    });

    renderActions();
  }

  function renderActions() {
    if (!preview) return;
    var s = KA.state();
    var signed = s ? s.signed_count : preview.signed;
    var existing = s ? s.project_count : 0;
    var canReplace = signed === 0 && existing > 0;
    $("replace-wrap").hidden = !canReplace;
    if (!canReplace) $("import-replace").checked = false;
    setText($("replace-label"), t("replace_label", { count: existing }));
    var note = $("replace-note");
    // Rows named like projects already in the running order can only come in by replacing it: importing
    // the same file twice must not double the ceremony.
    var clashes = preview.clashes || [];
    var replacing = canReplace && $("import-replace").checked;
    var blocked = clashes.length > 0 && !replacing;
    note.classList.toggle("is-warn", blocked);
    if (blocked) {
      var names = clashes.map(function (c) { return c.name; }).join(t("sep"));
      setText(note, t(canReplace ? "clash_note" : "clash_note_signed", { count: clashes.length, names: names }));
      note.hidden = false;
    } else if (signed > 0) {
      setText(note, t("append_note", { signed: signed }));
      note.hidden = false;
    } else if (canReplace && !$("import-replace").checked) {
      setText(note, t("append_default", { count: existing }));
      note.hidden = false;
    } else {
      note.hidden = true;
    }
    $("import-apply").disabled = !preview.ok || !preview.upload_id || busy || blocked;
    $("import-replace").disabled = !preview.ok;
  }

  function forget() {
    if (preview && preview.upload_id) KA.send("DELETE", "/api/v1/import/" + encodeURIComponent(preview.upload_id));
    preview = null;
    render();
  }

  function read(file) {
    if (busy || !file) return;
    if (preview && preview.upload_id) KA.send("DELETE", "/api/v1/import/" + encodeURIComponent(preview.upload_id));
    preview = null;
    render();
    busy = true;
    var zone = $("dropzone");
    zone.classList.add("is-busy");
    setText(zone.querySelector(".drop-title"), t("reading", { name: file.name }));
    KA.upload("/api/v1/import/preview", file).then(function (res) {
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
          problems: [KA.errorMessage(res)],
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
    var replace = $("import-replace").checked && !$("replace-wrap").hidden;
    var s = KA.state();
    var ask = replace
      ? KA.confirm({
        title: t("replace_q"),
        text: [t("replace_text", { count: s ? s.project_count : 0, new: preview.count })],
        ok: t("replace_ok"),
        danger: true,
      })
      : Promise.resolve(true);
    ask.then(function (yes) {
      if (!yes) return;
      busy = true;
      var button = $("import-apply");
      button.classList.add("is-busy");
      renderActions();
      KA.send("POST", "/api/v1/import/apply", { upload_id: preview.upload_id, replace: replace }).then(function (res) {
        busy = false;
        button.classList.remove("is-busy");
        if (res.status === 200 && res.data) {
          preview = null;
          render();
          KA.adopt(res.data.state);
          KA.toast(t("imported", { count: res.data.imported }), "ok", 3500);
          KA.go("projects");
          return;
        }
        if (res.status === 401) return;
        var reason = res.data && res.data.reason;
        if (reason === "upload_expired") {
          preview = null;
          render();
        } else if (reason === "invalid_file" && res.data.problems) {
          preview.ok = false;
          preview.upload_id = null;
          preview.problems = res.data.problems;
          render();
        }
        KA.toast(KA.errorMessage(res), "error", 6000);
        renderActions();
      });
    });
  }

  function init() {
    var input = $("import-file");
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      input.value = "";
      read(file);
    });
    var zone = $("dropzone");
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (e) {
        if (!e.dataTransfer || Array.prototype.indexOf.call(e.dataTransfer.types || [], "Files") < 0) return;
        e.preventDefault();
        zone.classList.add("is-over");
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("is-over"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      var file = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
      if (file) read(file);
    });
    $("import-apply").addEventListener("click", apply);
    $("import-cancel").addEventListener("click", function () {
      forget();
      KA.toast(t("import_cancelled"), "ok", 2000);
    });
    $("import-replace").addEventListener("change", renderActions);
  }

  KA.section({
    id: "import",
    init: init,
    state: function () { renderActions(); },
    language: function () { render(); },
  });
