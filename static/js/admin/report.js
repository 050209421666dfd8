/*
 * Admin section 6 — the report: the figures, the two charts, the press summary (Chinese and English, with copy
 * buttons), the downloads, the agenda as it ran and the audit log of the current record. It follows the live
 * state: the figures are drawn from every broadcast, and the report itself is fetched again after each one.
 */
import { $, clear, el, setText } from "../common/dom.js";
import { lang, t } from "../common/words.js";
import { chip, copyText, currentState, get, isShown, section } from "./shell.js";

let report = null,
  timer = null,
  stale = true,
  loading = false;

function renderFigures(s) {
  setText($("fig-total"), (s.total.prefix ? s.total.prefix + " " : "") + s.total.value);
  setText($("fig-total-unit"), s.total.unit);
  setText($("fig-total-sub"), t("fig_total_sub", { planned: s.planned.total.text }));
  setText($("fig-signed"), s.signed_count);
  setText($("fig-signed-of"), t("fig_signed_of", { count: s.project_count }));
  setText($("fig-signed-sub"), s.signed_count ? "" : t("fig_none"));
  const land = s.land || s.planned.land;
  setText($("fig-land"), s.land ? (s.land.prefix ? s.land.prefix + " " : "") + s.land.value : "0");
  setText($("fig-land-unit"), land ? land.unit : "");
  setText($("fig-land-sub"), s.planned.land ? t("fig_total_sub", { planned: s.planned.land.text }) : "");
  const tiers = $("fig-tiers");
  clear(tiers);
  s.tiers.forEach((tier) => {
    const li = el("li", tier.count ? "" : "is-zero");
    li.appendChild(el("span", null, tier.label));
    li.appendChild(el("b", null, tier.count_text));
    tiers.appendChild(li);
  });
  const industries = $("fig-industries");
  clear(industries);
  // Largest first, as the chart draws them.
  s.industries
    .slice()
    .sort((a, b) => b.amount_wan - a.amount_wan)
    .forEach((row) => {
      const li = el("li");
      li.appendChild(el("span", "name", row.label));
      li.appendChild(el("span", "count", row.count_text));
      li.appendChild(el("b", null, row.amount.text));
      industries.appendChild(li);
    });
  industries.hidden = !s.industries.length;
  $("report-rehearsal").hidden = s.mode !== "rehearsal";
  const version = encodeURIComponent(s.log_id) + "-" + s.seq + "-" + lang();
  const ind = "/charts/industries.svg?style=light&v=" + version;
  const tie = "/charts/tiers.svg?style=light&v=" + version;
  if ($("chart-industries").getAttribute("src") !== ind) $("chart-industries").src = ind;
  if ($("chart-tiers").getAttribute("src") !== tie) $("chart-tiers").src = tie;
  $("chart-industries").alt = t("chart_industries");
  $("chart-tiers").alt = t("chart_tiers");
}

/** The agenda as it ran: every figure, word and colour comes ready-made in the report's ``agenda``. */
function renderAgenda(agenda) {
  const body = $("report-agenda").querySelector("tbody");
  clear(body);
  if (!agenda.length) {
    const tr = el("tr");
    const td = el("td", "muted", t("agenda_empty"));
    td.colSpan = 7;
    tr.appendChild(td);
    body.appendChild(tr);
  }
  let done = 0;
  agenda.forEach((q) => {
    if (q.fired) done += 1;
    const tr = el("tr", "is-" + q.status.replace("_", "-"));
    tr.setAttribute("data-id", q.id);
    tr.appendChild(el("td", "num", q.order));
    const what = el("td", q.ran ? null : "muted");
    what.appendChild(el("span", "name", q.heading));
    let who = [q.speaker];
    if (q.refired) who.push(t("ag_refired", { n: q.refired }));
    if (q.round && q.signed_time) who.push(t("ag_signed", { time: q.signed_time }));
    who = who.filter((part) => part);
    if (who.length) what.appendChild(el("span", "sub", who.join(" · ")));
    tr.appendChild(what);
    const planned = [q.planned_time, q.planned_text].filter((part) => part);
    tr.appendChild(el("td", "when", planned.join(" · ") || "—"));
    tr.appendChild(el("td", "when", q.started_time || "—"));
    tr.appendChild(el("td", "when", q.actual_text || "—"));
    tr.appendChild(el("td", "when", q.delay_text || "—"));
    const st = el("td");
    st.appendChild(el("span", "chip is-" + q.chip, q.status_text));
    tr.appendChild(st);
    body.appendChild(tr);
  });
  setText($("agenda-count"), agenda.length ? t("agenda_count", { done, all: agenda.length }) : "");
}

function renderReport() {
  if (!report) return;
  const s = currentState();
  setText($("press-zh"), report.press_summary.zh);
  setText($("press-en"), report.press_summary.en);
  // When the server built it, on the venue's clock as the table's times are (not this device's clock).
  setText($("report-lead"), t("report_lead", { time: report.generated_time }));

  const pbody = $("report-projects").querySelector("tbody");
  clear(pbody);
  report.projects.forEach((p) => {
    const tr = el("tr");
    tr.setAttribute("data-id", p.id);
    tr.appendChild(el("td", "num", p.order));
    const name = el("td");
    name.appendChild(el("span", "name", p.name));
    name.appendChild(el("span", "sub", p.investor));
    tr.appendChild(name);
    tr.appendChild(el("td", "num", p.amount_text));
    tr.appendChild(el("td", null, p.industry_label || p.industry || "—"));
    const st = el("td");
    st.appendChild(chip(p));
    tr.appendChild(st);
    tr.appendChild(el("td", "when", p.signed_time || "—"));
    pbody.appendChild(tr);
  });

  renderAgenda(report.agenda || []);

  const abody = $("audit-table").querySelector("tbody");
  clear(abody);
  if (!report.audit.length) {
    const tr = el("tr");
    const td = el("td", "muted", t("audit_empty"));
    td.colSpan = 5;
    tr.appendChild(td);
    abody.appendChild(tr);
  }
  report.audit.forEach((a) => {
    const row = el("tr", a.outcome === "ok" ? "" : "is-refused");
    row.appendChild(el("td", "when", a.received_time));
    row.appendChild(el("td", null, a.device || "—"));
    row.appendChild(el("td", null, a.action_text || "—"));
    row.appendChild(el("td", null, a.project || "—"));
    row.appendChild(el("td", null, a.outcome_text));
    abody.appendChild(row);
  });
  setText($("audit-count"), t("audit_count", { n: report.audit.length }));
  document.getElementById("sec-report").setAttribute("data-seq", String(report.seq));
  document.getElementById("sec-report").setAttribute("data-run", report.run ? report.run.id : "");
  if (s && report.run && report.run.id === s.log_id && report.seq < s.seq) {
    stale = true;
    load();
  }
}

function load() {
  clearTimeout(timer);
  timer = setTimeout(() => {
    if (loading) {
      stale = true;
      return;
    }
    loading = true;
    stale = false;
    get("/api/v1/report.json").then((res) => {
      loading = false;
      if (res.status === 200 && res.data) {
        report = res.data;
        renderReport();
      }
      if (stale) load();
    });
  }, 150);
}

function init() {
  $("copy-zh").addEventListener("click", () => {
    if (report) copyText(report.press_summary.zh, $("copy-zh"));
  });
  $("copy-en").addEventListener("click", () => {
    if (report) copyText(report.press_summary.en, $("copy-en"));
  });
}

section({
  id: "report",
  init,
  show(s) {
    if (s) renderFigures(s);
    load();
  },
  state(s) {
    renderFigures(s);
    if (isShown("report")) load();
    else stale = true;
  },
  language(s) {
    renderFigures(s);
    renderReport();
  },
});
