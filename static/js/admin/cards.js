/*
 * Admin section 4 — the golden-key cards: each project's concierge card.
 *
 * The contact (name, title, phone, e-mail, WeChat), the services (the event's default list or the card's
 * own, edited as tags) and notes; the QR code and the card's address, open / print / PDF, and a new
 * address after a warning that printed cards stop working. Cards are private: they are never broadcast,
 * so the card on screen is fetched again whenever the ceremony's state moves and nothing is being edited.
 */
import { KA } from "./shell.js";

  var t = KA.t, $ = KA.$, el = KA.el, setText = KA.setText, clear = KA.clear;

  var TEXT = ["contact_name", "contact_title", "contact_phone", "contact_email", "contact_wechat", "notes"];
  // The event's default list and the most a card may hold come from the server, as the rules live there.
  var DEFAULT_SERVICES = KA.settings.default_services || [];
  var MAX_SERVICES = KA.settings.limits.services.max_items;

  var projects = [], concierges = {}, selected = null, card = null, baseline = null;
  var services = [], useDefault = true, defaults = DEFAULT_SERVICES.slice();
  var loadSeq = 0, refetchTimer = null, qrNonce = 0;
  var form;

  function projectById(id) {
    for (var i = 0; i < projects.length; i++) if (projects[i].id === id) return projects[i];
    return null;
  }

  // ---------------------------------------------------------------------------------------------------
  // The list of projects
  // ---------------------------------------------------------------------------------------------------

  function renderList() {
    var list = $("card-list");
    clear(list);
    projects.forEach(function (p) {
      var li = el("li");
      var b = el("button", "card-item" + (p.id === selected ? " is-selected" : ""));
      b.type = "button";
      b.setAttribute("data-id", p.id);
      b.appendChild(el("span", "order-dot", p.order));
      var text = el("span", "card-item-text");
      text.appendChild(el("div", "card-item-name", p.name));
      var who = concierges[p.id];
      var sub = el("div", "card-item-sub" + (who && who.name ? "" : " is-missing"), who && who.name ? who.name : t("no_contact"));
      text.appendChild(sub);
      b.appendChild(text);
      li.appendChild(b);
      list.appendChild(li);
    });
  }

  function loadConcierges() {
    KA.get("/api/v1/projects").then(function (res) {
      if (res.status !== 200 || !res.data) return;
      concierges = {};
      res.data.projects.forEach(function (p) { concierges[p.id] = { name: p.concierge_name || "" }; });
      renderList();
    });
  }

  // ---------------------------------------------------------------------------------------------------
  // The card
  // ---------------------------------------------------------------------------------------------------

  function formValues() {
    var v = {};
    TEXT.forEach(function (k) { v[k] = form.elements[k].value.trim(); });
    v.services = useDefault ? null : services.slice();
    return v;
  }

  function cardValues(c) {
    var v = {};
    TEXT.forEach(function (k) { v[k] = c[k] || ""; });
    v.services = c.services_are_default ? null : (c.services || []).slice();
    return v;
  }

  function dirty() {
    return !!(card && baseline && JSON.stringify(formValues()) !== JSON.stringify(baseline));
  }

  function syncDirty() {
    var d = dirty();
    $("card-dirty").hidden = !d;
    $("card-revert").disabled = !d;
  }

  function renderTags() {
    var box = $("services-tags");
    clear(box);
    box.classList.toggle("is-default", useDefault);
    var shown = useDefault ? defaults : services;
    shown.forEach(function (name, i) {
      var tag = el("span", "tag");
      tag.appendChild(el("span", null, name));
      var x = el("button", null, "×");
      x.type = "button";
      x.setAttribute("data-index", i);
      x.setAttribute("aria-label", t("remove") + " " + name);
      tag.appendChild(x);
      box.appendChild(tag);
    });
    $("services-default").checked = useDefault;
    $("services-add").hidden = useDefault;
    var input = $("services-input");
    input.placeholder = services.length >= MAX_SERVICES ? t("services_full") : t("services_placeholder");
    input.disabled = !useDefault && services.length >= MAX_SERVICES;
  }

  function fillCard(c) {
    card = c;
    baseline = cardValues(c);
    TEXT.forEach(function (k) { form.elements[k].value = c[k] || ""; });
    useDefault = !!c.services_are_default;
    if (useDefault) defaults = (c.services || []).slice();
    services = (c.services || []).slice();
    KA.clearErrors(form);
    setText($("card-message"), "");
    renderTags();
    renderCardTop();
    syncDirty();
  }

  function renderCardTop() {
    var p = projectById(selected);
    if (!card || !p) return;
    setText($("card-order"), p.order);
    setText($("card-project-name"), p.name);
    setText($("card-investor"), p.investor);
    $("card-url").value = card.url;
    $("card-qr").src = card.qr_svg + "?n=" + qrNonce;
    $("card-qr-link").href = card.url;
    $("card-open").href = card.url;
    $("card-print").href = card.print;
    $("card-pdf").href = card.pdf;
    $("card-png").href = card.qr_png;
    var warning = $("card-warning");
    setText(warning, card.warning || "");
    warning.hidden = !card.warning;
  }

  function load(id, quiet) {
    var mine = ++loadSeq;
    KA.get("/api/v1/projects/" + encodeURIComponent(id) + "/card").then(function (res) {
      if (mine !== loadSeq || id !== selected) return;
      if (res.status === 200 && res.data) {
        if (quiet && dirty()) return;
        fillCard(res.data);
        $("card-empty").hidden = true;
        $("card-body").hidden = false;
      } else if (res.status === 404) {
        pickFirst();
      } else if (res.status !== 401 && !quiet) {
        KA.toast(KA.errorMessage(res), "error", 5000);
      }
    });
  }

  function select(id) {
    if (id === selected) return;
    function go() {
      selected = id;
      card = null;
      baseline = null;
      renderList();
      if (id) {
        load(id);
      } else {
        $("card-body").hidden = true;
        $("card-empty").hidden = false;
      }
    }
    if (dirty()) {
      var p = projectById(selected);
      KA.confirm({
        title: t("card_dirty_switch", { name: p ? p.name : "" }),
        ok: t("discard"),
        cancel: t("keep_editing"),
        danger: true,
      }).then(function (yes) { if (yes) go(); });
    } else {
      go();
    }
  }

  function pickFirst() {
    selected = null;
    select(projects.length ? projects[0].id : null);
  }

  function save(e) {
    e.preventDefault();
    if (!card || !selected) return;
    var id = selected;
    var body = formValues();
    KA.clearErrors(form);
    setText($("card-message"), "");
    var button = $("card-save");
    button.classList.add("is-busy");
    KA.send("PUT", "/api/v1/projects/" + encodeURIComponent(id) + "/card", body).then(function (res) {
      button.classList.remove("is-busy");
      if (id !== selected) return;
      if (res.status === 200 && res.data) {
        fillCard(res.data);
        KA.toast(t("card_saved"), "ok", 2000);
        loadConcierges();
        return;
      }
      if (res.status === 400 && res.data && res.data.errors) {
        var left = KA.showErrors(form, res.data.errors);
        setText($("card-message"), left.length ? res.data.message : t("fix_fields"));
      } else if (res.status !== 401) {
        setText($("card-message"), KA.errorMessage(res));
      }
    });
  }

  function rotate() {
    var p = projectById(selected);
    if (!p || !card) return;
    var id = p.id;
    KA.confirm({
      title: t("rotate_q", { name: p.name }),
      text: [{ warn: t("rotate_text") }],
      ok: t("rotate_ok"),
      danger: true,
    }).then(function (yes) {
      if (!yes) return;
      KA.send("POST", "/api/v1/projects/" + encodeURIComponent(id) + "/card/rotate").then(function (res) {
        if (res.status === 200 && res.data) {
          if (id === selected) {
            qrNonce += 1;
            card = res.data;
            renderCardTop();
          }
          KA.toast(t("rotated", { name: p.name }), "warn", 5000);
        } else if (res.status !== 401) {
          KA.toast(KA.errorMessage(res), "error", 5000);
        }
      });
    });
  }

  function addService() {
    var input = $("services-input");
    var name = input.value.trim();
    if (!name) return;
    if (services.length >= MAX_SERVICES) return;
    if (services.indexOf(name) < 0) services.push(name);
    input.value = "";
    renderTags();
    syncDirty();
    input.focus();
  }

  function init() {
    form = $("card-form");
    $("card-list").addEventListener("click", function (e) {
      var b = e.target.closest(".card-item");
      if (b) select(b.getAttribute("data-id"));
    });
    form.addEventListener("submit", save);
    form.addEventListener("input", function (e) {
      var field = e.target.closest(".field");
      if (field && field.classList.contains("is-invalid")) {
        field.classList.remove("is-invalid");
        setText(field.querySelector(".field-error"), "");
      }
      syncDirty();
    });
    $("card-revert").addEventListener("click", function () { if (card) fillCard(card); });
    $("card-copy").addEventListener("click", function () { if (card) KA.copyText(card.url, $("card-copy")); });
    $("card-rotate").addEventListener("click", rotate);
    $("services-default").addEventListener("change", function () {
      useDefault = $("services-default").checked;
      if (!useDefault && !services.length) services = defaults.slice();
      if (!useDefault && card && card.services_are_default) services = defaults.slice();
      renderTags();
      syncDirty();
    });
    $("services-tags").addEventListener("click", function (e) {
      var x = e.target.closest("button[data-index]");
      if (!x || useDefault) return;
      services.splice(parseInt(x.getAttribute("data-index"), 10), 1);
      renderTags();
      syncDirty();
    });
    $("services-input").addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        e.preventDefault();
        addService();
      }
    });
    $("services-add-btn").addEventListener("click", addService);
  }

  function onState(s) {
    projects = s.projects.slice();
    if (!KA.isShown("cards")) return;
    if (!selected || !projectById(selected)) {
      card = null;
      baseline = null;
      pickFirst();
      return;
    }
    renderList();
    renderCardTop();
    clearTimeout(refetchTimer);
    refetchTimer = setTimeout(function () {
      loadConcierges();
      if (selected && !dirty()) load(selected, true);
    }, 200);
  }

  KA.section({
    id: "cards",
    init: init,
    state: onState,
    show: function (s) {
      if (s) projects = s.projects.slice();
      loadConcierges();
      if (!selected || !projectById(selected)) pickFirst();
      else {
        renderList();
        if (!dirty()) load(selected, true);
      }
    },
    language: function () { renderList(); renderTags(); },
  });
