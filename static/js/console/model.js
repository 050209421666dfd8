/*
 * What this console knows, in one object: the operator view the server sent last, and the console's own
 * few facts (which row the operator tapped, the one command in flight, the rest period after a command).
 * Everything about the ceremony — what is next, what undo takes back, what a button would do — comes in
 * the view (view.console); nothing here works it out again.
 */
export const ui = {
  state: null, // the latest operator view
  stateAt: 0, // when it arrived (Date.now())
  seqChangedAt: 0, // when its seq last moved (for the big screens' grace period)
  conn: "connecting",
  walls: [], // the big screens connected, from the server
  onAir: null, // what the main wall reports drawing, in words (the server's, with the walls), or not confirmed
  manualId: null, // a row the operator tapped; null: follow the running order
  armed: null, // black or finale after its first tap, waiting for the second
  pending: null, // the one command in flight (or failed, waiting for Retry or Give up)
  lockUntil: 0, // command buttons do not fire before this
  hold: null, // an ongoing press on Confirm
  lastOutcome: null, // {kind, text, at, transient} for the status line
  live: null,
  deviceName: "",
};

const listeners = [];

/** Something changed: redraw (the drawing subscribes here, so modules need not import each other). */
export function changed() {
  for (const fn of listeners) fn();
}

export function onChange(fn) {
  listeners.push(fn);
}

export function projectById(id) {
  if (!ui.state || !id) return null;
  return ui.state.projects.find((p) => p.id === id) || null;
}

/** The server's facts about one row: following_id, can_sign, can_reshow, on_air, hint. */
export function rowFacts(id) {
  return (ui.state && ui.state.console.rows[id]) || null;
}

export function selectionId() {
  if (ui.manualId && projectById(ui.manualId)) return ui.manualId;
  return ui.state ? ui.state.console.up_id : null;
}

export function selected() {
  return projectById(selectionId());
}

export function screenLabel(id) {
  const screen = ui.state && ui.state.screens.find((s) => s.id === id);
  return screen ? screen.label : id;
}

export function cooling() {
  return Date.now() < ui.lockUntil;
}
