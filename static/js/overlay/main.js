/*
 * The livestream's overlay (/overlay): a transparent 1920x1080 page for an OBS or vMix browser source.
 * A lower third names the project on the wall (and seals it when signed); a corner bug keeps the running
 * total. It draws only from the public view, like the wall, and follows it: the same seq, the same words.
 */
import { expose } from "../common/hooks.js";
import { connect } from "../common/live.js";
import { ensureLanguage, t } from "../common/words.js";

const $ = (id) => document.getElementById(id);
const root = $("overlay");

function draw(view) {
  const wall = view.wall || {};
  const project = wall.project_id ? view.projects.find((p) => p.id === wall.project_id) : null;
  const caption = view.cue && view.cue.lower_third;
  const roundIds = wall.screen === "spotlight" && wall.round ? wall.project_ids : [];
  const round = roundIds.map((id) => view.projects.find((p) => p.id === id)).filter(Boolean);
  const up = (wall.screen === "spotlight" && !!project) || !!caption;
  root.setAttribute("data-screen", wall.screen || "");
  root.classList.toggle("has-project", up);
  if (caption) {
    // A speech: the speaker's name and title, as the wall shows them.
    const cue = (view.cues || []).find((c) => c.id === caption.cue_id);
    $("lt-kicker").textContent = cue ? cue.kind_label : "";
    $("lt-name").textContent = caption.name;
    $("lt-sub").textContent = caption.role || "";
    root.classList.remove("is-signed");
  } else if (round.length > 1) {
    // A round signing at one moment: its projects together, and their total.
    $("lt-kicker").textContent = wall.round.text;
    $("lt-name").textContent = wall.round.names;
    $("lt-sub").textContent = wall.round.amount.text;
    root.classList.toggle("is-signed", round.every((p) => p.status === "signed"));
  } else if (up) {
    $("lt-kicker").textContent = t("kicker", { n: project.order, m: view.project_count });
    $("lt-name").textContent = project.name;
    const parts = [project.investor];
    if (project.amount) parts.push(project.amount.text);
    $("lt-sub").textContent = parts.join(" · ");
    root.classList.toggle("is-signed", project.status === "signed");
  } else {
    root.classList.remove("is-signed");
  }
  // The corner bug: the total as the server wrote it, and the count.
  $("bug-prefix").textContent = view.total.prefix ? view.total.prefix + " " : "";
  $("bug-number").textContent = view.total.value;
  $("bug-unit").textContent = view.total.unit;
  $("bug-count").textContent = t("count", { n: view.signed_count, m: view.project_count });
  root.classList.toggle("is-dark", wall.screen === "blank");
  expose("overlay", {
    seq: view.seq,
    screen: wall.screen,
    project: up && project ? project.id : null,
    caption: caption ? caption.name : null,
  });
}

connect({
  auth: { role: "viewer" },
  onState: (view) => {
    ensureLanguage(view.lang).then(() => draw(view));
    draw(view);
  },
});
