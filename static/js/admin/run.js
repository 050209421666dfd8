/*
 * Admin section 5 — rehearsal and live: the current mode, large; start or reset a rehearsal, go live from an empty
 * record; and the archive of every run. Leaving a live run that has commands needs the word typed in
 * (the server answers 409 confirm_required otherwise).
 */
import { $, clear, el, setText } from "../common/dom.js";
import { t } from "../common/words.js";
import { adopt, confirmDialog, currentState, errorMessage, get } from "./shell.js";
import { isShown, richText, section, send, toast } from "./shell.js";

let runs = [],
  currentId = null,
  busy = false,
  timer = null;

function currentRun() {
  return runs.find((x) => x.id === currentId) || null;
}

function render() {
  const s = currentState();
  if (!s) return;
  const rehearsal = s.mode === "rehearsal";
  setText($("run-mode-value"), rehearsal ? t("mode_rehearsal") : t("mode_live"));
  const run = currentRun();
  setText(
    $("run-mode-detail"),
    run
      ? t("run_since", {
          when: run.started_text,
          entries: run.entries,
          signed: s.signed_count,
        })
      : ""
  );
  const explain = $("run-explain");
  clear(explain);
  const p1 = el("p");
  richText(p1, t(rehearsal ? "run_explain_rehearsal" : "run_explain_live"));
  explain.appendChild(p1);
  explain.appendChild(el("p", null, t(rehearsal ? "run_explain_rehearsal_2" : "run_explain_live_2")));

  const rLabel = $("run-rehearsal-label");
  rLabel.setAttribute("data-t", rehearsal ? "reset_rehearsal" : "start_rehearsal");
  setText(rLabel, t(rehearsal ? "reset_rehearsal" : "start_rehearsal"));
  const lLabel = $("run-live-label");
  lLabel.setAttribute("data-t", rehearsal ? "go_live" : "restart_live");
  setText(lLabel, t(rehearsal ? "go_live" : "restart_live"));
  $("run-rehearsal").classList.toggle("is-busy", busy);
  $("run-live").classList.toggle("is-busy", busy);

  const tbody = $("runs-table").querySelector("tbody");
  clear(tbody);
  runs
    .slice()
    .reverse()
    .forEach((r) => {
      const number = runs.indexOf(r) + 1;
      const tr = el("tr", r.id === currentId ? "is-current" : "");
      tr.setAttribute("data-run", r.id);
      tr.appendChild(el("td", "num", number));
      const mode = el("td");
      mode.appendChild(el("span", "chip is-" + r.mode, r.mode === "rehearsal" ? t("mode_rehearsal") : t("mode_live")));
      tr.appendChild(mode);
      tr.appendChild(el("td", "when", r.started_text));
      tr.appendChild(el("td", "when" + (r.ended_at ? "" : " muted"), r.ended_at ? r.ended_text : t("run_ongoing")));
      tr.appendChild(el("td", "num", r.entries));
      tr.appendChild(el("td", "num", r.signed));
      tbody.appendChild(tr);
    });
}

function load() {
  clearTimeout(timer);
  timer = setTimeout(() => {
    get("/api/v1/runs").then((res) => {
      if (res.status !== 200 || !res.data) return;
      runs = res.data.runs || [];
      currentId = res.data.current;
      render();
    });
  }, 150);
}

function post(mode, confirmed) {
  return send("POST", "/api/v1/run", { mode, confirm: confirmed });
}

function typedConfirm(mode) {
  const s = currentState();
  const word = t("run_type_word");
  return confirmDialog({
    title: t(mode === "rehearsal" ? "run_q_rehearsal" : "run_q_restart_live"),
    text: [{ warn: t("run_confirm_required", { signed: s ? s.signed_count : 0 }) }, t("run_type_text")],
    ok: t("run_type_ok"),
    danger: true,
    typeWord: word,
  });
}

function done(mode, res) {
  busy = false;
  if (res.status === 200 && res.data) {
    adopt(res.data.state);
    toast(t(mode === "rehearsal" ? "run_started_rehearsal" : "run_started_live"), "ok", 3000);
  } else if (res.status !== 401) {
    toast(errorMessage(res), "error", 6000);
  }
  load();
  render();
}

function start(mode) {
  const s = currentState();
  if (!s || busy) return;
  const fromLive = s.mode === "live";
  // A live run that has had a command (state.last is the latest accepted one) is the real record.
  const guarded = fromLive && s.last !== null && s.last !== undefined;
  if (guarded) {
    typedConfirm(mode).then((yes) => {
      if (!yes) return;
      busy = true;
      render();
      post(mode, true).then((res) => {
        done(mode, res);
      });
    });
    return;
  }
  const title =
    mode === "rehearsal"
      ? t(s.mode === "rehearsal" ? "run_q_reset_rehearsal" : "run_q_rehearsal")
      : t(s.mode === "rehearsal" ? "run_q_live" : "run_q_restart_live");
  const text = [t("run_text_common")];
  if (mode === "live") text.push(t("run_text_live"));
  confirmDialog({
    title,
    text,
    ok:
      mode === "rehearsal"
        ? t(s.mode === "rehearsal" ? "reset_rehearsal" : "start_rehearsal")
        : t(s.mode === "rehearsal" ? "go_live" : "restart_live"),
    danger: mode === "live" && s.mode === "live",
  }).then((yes) => {
    if (!yes) return;
    busy = true;
    render();
    post(mode, false).then((res) => {
      if (res.status === 409 && res.data && res.data.reason === "confirm_required") {
        busy = false;
        render();
        typedConfirm(mode).then((sure) => {
          if (!sure) return;
          busy = true;
          render();
          post(mode, true).then((again) => {
            done(mode, again);
          });
        });
        return;
      }
      done(mode, res);
    });
  });
}

function init() {
  $("run-rehearsal").addEventListener("click", () => {
    start("rehearsal");
  });
  $("run-live").addEventListener("click", () => {
    start("live");
  });
}

section({
  id: "rehearsal",
  init,
  show() {
    render();
    load();
  },
  state(s, previous) {
    render();
    if (isShown("rehearsal") || !previous || previous.log_id !== s.log_id) load();
  },
  language: render,
});
