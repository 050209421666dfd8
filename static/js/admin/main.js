/* The admin page's entry: the shell, then every section (each registers itself), then start. */
import { start } from "./shell.js";
import "./event.js";
import "./projects.js";
import "./agenda.js";
import "./import.js";
import "./cards.js";
import "./pads.js";
import "./run.js";
import "./report.js";
import "./access.js";

start();
