/*
 * The small helpers every page shares. Text only ever goes into the page through textContent: project
 * names come from Excel files that someone else typed.
 */
(function () {
  "use strict";

  function $(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function setText(node, text) {
    text = text === undefined || text === null ? "" : String(text);
    if (node.textContent !== text) node.textContent = text;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function pad2(n) { return (n < 10 ? "0" : "") + n; }

  /** An integer of 万元 divided by 10^places, exactly (no float), without trailing zeros. */
  function shifted(wan, places) {
    var unit = Math.pow(10, places);
    var negative = wan < 0;
    wan = Math.abs(wan);
    var whole = Math.floor(wan / unit);
    var frac = String(wan % unit);
    while (frac.length < places) frac = "0" + frac;
    frac = frac.replace(/0+$/, "");
    return (negative ? "-" : "") + (frac ? whole + "." + frac : String(whole));
  }

  window.KioskDom = { $: $, el: el, setText: setText, clear: clear, pad2: pad2, shifted: shifted };
})();
