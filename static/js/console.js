/*
 * The operators' console at /control: a tablet beside the stage, touch first.
 *
 * Rules this file keeps:
 *  - What it shows comes from the server only: Socket.IO `state` (through KioskLive) and the state carried
 *    by a command's answer. Nothing is marked done before the server acknowledged it.
 *  - One command at a time. A command is retried with the SAME command_id on network errors and
 *    timeouts (the server answers a repeated id with its first answer and changes nothing), for up to
 *    GIVE_UP_MS; then it waits for the operator: 重试 (same id again) or 放弃.
 *  - After any command the command buttons do not fire for MIN_INTERVAL_MS (a double tap fires once),
 *    and for SETTLE_MS after the operator's selection moved under their finger.
 *  - Confirm fires only after a HOLD_MS press; announce/confirm/undo carry the seq the operator saw.
 *  - Every piece of data is drawn with textContent: project names are never parsed as HTML.
 */
(function () {
  "use strict";

  var dom = window.KioskDom;
  var $ = dom.$;
  var el = dom.el;
  var setText = dom.setText;
  var clear = dom.clear;
  var pad2 = dom.pad2;
  var shifted = dom.shifted;

  // Tests may shorten the waits (Playwright's add_init_script); nothing on the page sets this.
  var tuning = window.KioskConsoleTuning || {};
  var HOLD_MS = 800;
  var MIN_INTERVAL_MS = 1500;
  var SETTLE_MS = 1000;
  var ATTEMPT_TIMEOUT_MS = tuning.attemptTimeoutMs || 4000;
  var GIVE_UP_MS = tuning.giveUpMs || 30000;
  var BACKOFF_MS = [400, 800, 1500, 2500, 3000];
  var WALL_GRACE_MS = 2500;
  var DEVICE_KEY = "kiosk.console.device";

  // ---------------------------------------------------------------------------------------------------
  // Words
  // ---------------------------------------------------------------------------------------------------

  var WORDS = {
    zh: {
      console_name: "签约仪式控制台",
      conn_connecting: "连接中…",
      conn_live: "在线",
      conn_reconnecting: "连接中断 · 正在重连",
      conn_detail_live: "实时同步",
      conn_detail_lost: "最后同步 {time}",
      conn_detail_never: "尚未收到状态",
      walls: "大屏",
      wall_none: "大屏未连接",
      wall_synced: "已同步",
      wall_syncing: "同步中…",
      wall_behind: "未同步 · 落后 {n} 步",
      wall_waiting: "等待回报",
      wall_unknown: "状态未知",
      wall_more: "另 {n} 块",
      logout: "退出",
      running_order: "签约顺序",
      progress: "已签约 {done}/{all} 项 · {yi} 亿元",
      progress_of: "计划 {yi} 亿元",
      yi: "亿元",
      status_pending: "待签约",
      status_announced: "已宣布",
      status_signed: "已签约",
      tag_onair: "大屏",
      tag_next: "下一个",
      tag_sending: "发送中…",
      on_wall: "大屏现在显示",
      screen_title: "标题",
      screen_spotlight: "聚焦",
      screen_roll: "签约名单",
      screen_finale: "总结",
      screen_blank: "黑屏",
      onair_announced: "宣布中 · 等待签约",
      onair_signed: "签约庆祝 · {time} 已签约 · 金钥匙二维码展示中",
      onair_spotlight_pending: "项目介绍",
      onair_roll: "已签约 {n} 个项目",
      onair_finale: "总投资 {yi} 亿元 · {n} 个项目",
      onair_blank: "大屏现在是黑屏",
      onair_title: "仪式标题页",
      selected: "操作对象",
      mode_auto: "自动跟随进度",
      mode_manual: "手动选择",
      follow: "跟随进度",
      announce: "宣布",
      announce_sub: "大屏聚焦此项目",
      announce_again: "已宣布 · 可再次宣布",
      confirm: "确认签约",
      confirm_sub: "按住 0.8 秒",
      confirm_holding: "保持按住…",
      sending: "发送中…",
      reshow: "在大屏重现",
      next: "下一个",
      after: "之后",
      next_none: "全部项目已签约",
      after_none: "这是最后一个待签约项目",
      undo: "撤销签约",
      undo_sub: "最近：{name}",
      undo_none: "尚无签约",
      wall_picture: "大屏画面",
      retry: "重试",
      abandon: "放弃",
      reason_loading: "正在载入状态…",
      reason_pending_cmd: "上一条指令发送中，请稍候",
      reason_failed_cmd: "上一条指令未确认：请先「重试」或「放弃」",
      reason_cooldown: "请稍候…",
      reason_signed: "「{name}」已于 {time} 签约，不能再次宣布或签约",
      reason_announced: "大屏正在宣布此项目 · 按住「确认签约」完成签约",
      reason_pending: "可先「宣布」，或直接按住「确认签约」",
      reason_onair_other: "大屏正在显示其他项目：「宣布」会切换到此项目",
      reason_all_done: "全部 {n} 个项目已签约，可切换到「总结」画面",
      reason_nothing_to_undo: "没有可撤销的签约",
      none_selected: "未选择项目",
      no_projects: "尚无签约项目",
      no_projects_hint: "尚无签约项目：请先用 python -m kiosk import 导入项目清单",
      loading: "正在载入…",
      undo_q: "撤销「{name}」的签约？",
      undo_facts: "{time} 签约 · {yi} 亿元。撤销后累计：{before} → {after} 亿元（{n} 项）",
      undo_explain: "大屏上的累计金额和签约名单会随之更新。",
      undo_changed: "大屏状态刚刚更新，请核对要撤销的项目",
      undo_cancel: "不撤销",
      undo_ok: "撤销签约",
      logout_q: "退出登录？",
      logout_explain: "退出后需要重新输入 PIN 才能操作。大屏不受影响。",
      stay: "留在控制台",
      settings: "本机设置",
      device_label: "本机名称（记录在操作日志中）",
      device_default: "控制台",
      av_title: "AV 中控接入",
      av_text: "Stream Deck / Companion 等中控可用“通用 HTTP”模块发送指令。令牌等同于操作员权限，请勿外传。每次按键的 command_id 必须不同：重复的 command_id 只返回第一次的结果，不会再次执行。",
      av_token: "API 令牌",
      copy: "复制示例",
      copied: "已复制示例命令",
      copy_failed: "无法自动复制，请手动选择文本",
      cancel: "取消",
      save: "保存",
      saved_device: "本机名称：{name}",
      act_announce: "宣布「{name}」",
      act_confirm: "确认签约「{name}」",
      act_undo: "撤销签约「{name}」",
      act_undo_latest: "撤销最近一次签约",
      act_show: "大屏切换到「{screen}」",
      act_reshow: "在大屏重现「{name}」",
      st_ready: "就绪",
      st_sending: "发送中… {what}",
      st_attempt: "第 {n} 次尝试 · 已等待 {s} 秒",
      st_failed: "未收到服务器确认：{what}。指令可能未执行——请「重试」（不会重复执行）或「放弃」",
      st_abandoned: "已放弃：{what}。该指令可能已执行，请以上方大屏状态为准",
      ok_announce: "已宣布「{name}」",
      ok_confirm: "已签约「{name}」",
      ok_undo: "已撤销「{name}」的签约",
      ok_show: "大屏已切换到「{screen}」",
      ok_reshow: "大屏已重现「{name}」",
      conflict: "大屏状态已更新，请核对后再操作",
      rejected: "未执行：{message}",
      session_lost: "登录已失效，正在返回登录页…",
      csrf_lost: "页面已过期，正在刷新…",
      hold_cancel_changed: "状态已更新，签约未发送：请核对后重新按住",
      hold_released: "松开过早，未签约：请按住 0.8 秒",
      already_showing: "大屏已在显示「{screen}」",
      selection_moved: "操作对象已更新为「{name}」",
      server_error: "服务器错误（{code}）",
      leave_pending: "有指令尚未得到确认",
      rehearsal_band: "彩排模式 · 不计入正式记录",
      rehearsal_sub: "彩排",
      st_new_rehearsal: "彩排已开始：记录从头开始，不计入正式记录",
      st_new_live: "正式签约已开始：记录从头开始",
      admin_link: "准备与报告",
      admin_sub: "活动信息、项目清单、彩排与正式、报告下载",
      qr_warning_title: "手机扫码打不开金钥匙：",
      card_btn: "金钥匙",
      card_title: "项目专属服务金钥匙",
      card_loading: "正在载入金钥匙…",
      card_failed: "无法载入金钥匙：{message}",
      card_address: "名片地址",
      card_contact: "服务专员",
      card_services: "服务内容",
      card_no_contact: "尚未指派（可在「准备与报告」中填写）",
      card_open: "打开名片页",
      card_print: "打印此卡",
      card_show: "在大屏展示",
      card_show_unsigned: "签约后可展示",
      card_rotate: "更换二维码地址",
      card_rotate_warn: "更换后旧二维码立即失效：已打印或已发出的这张金钥匙卡片将无法再打开，需要重新打印。",
      card_rotate_cancel: "不更换",
      card_rotate_ok: "确认更换",
      card_rotating: "正在更换…",
      card_rotated: "二维码地址已更换：请重新打印这张卡片",
      card_rotated_wall: "二维码地址已更换：大屏上的二维码会在 15 秒内自动更新，点「在大屏展示」可立即更新。请重新打印这张卡片。",
      card_rotate_failed: "未能更换：{message}",
      close: "关闭",
      signout_all: "退出所有设备…",
      signout_all_warn: "所有已登录的控制台和管理页面都将立即退出，需要重新输入 PIN 才能操作。大屏不受影响。",
      signout_all_ok: "全部退出",
      signout_all_failed: "未能退出所有设备：{message}",
    },
    en: {
      console_name: "Signing ceremony console",
      conn_connecting: "Connecting…",
      conn_live: "Live",
      conn_reconnecting: "Connection lost · reconnecting",
      conn_detail_live: "in sync",
      conn_detail_lost: "last update {time}",
      conn_detail_never: "no state yet",
      walls: "Screens",
      wall_none: "No big screen connected",
      wall_synced: "in sync",
      wall_syncing: "syncing…",
      wall_behind: "behind by {n}",
      wall_waiting: "waiting",
      wall_unknown: "unknown",
      wall_more: "+{n} more",
      logout: "Log out",
      running_order: "Running order",
      progress: "Signed {done}/{all} · {yi} bn yuan",
      progress_of: "planned {yi} bn",
      yi: "bn yuan",
      status_pending: "Pending",
      status_announced: "Announced",
      status_signed: "Signed",
      tag_onair: "On screen",
      tag_next: "Next",
      tag_sending: "Sending…",
      on_wall: "On the big screen",
      screen_title: "Title",
      screen_spotlight: "Spotlight",
      screen_roll: "Roll",
      screen_finale: "Finale",
      screen_blank: "Black",
      onair_announced: "announced · waiting for signing",
      onair_signed: "celebration · signed {time} · golden key QR on screen",
      onair_spotlight_pending: "project details",
      onair_roll: "{n} projects signed",
      onair_finale: "total {yi} bn yuan · {n} projects",
      onair_blank: "The big screen is black",
      onair_title: "ceremony title",
      selected: "Selected",
      mode_auto: "following the running order",
      mode_manual: "chosen by hand",
      follow: "Follow order",
      announce: "Announce",
      announce_sub: "spotlight on screen",
      announce_again: "announced · again",
      confirm: "Confirm signing",
      confirm_sub: "hold 0.8 s",
      confirm_holding: "keep holding…",
      sending: "Sending…",
      reshow: "Show again",
      next: "Next",
      after: "After that",
      next_none: "All projects signed",
      after_none: "This is the last project waiting",
      undo: "Undo signing",
      undo_sub: "latest: {name}",
      undo_none: "nothing signed yet",
      wall_picture: "Big screen",
      retry: "Retry",
      abandon: "Give up",
      reason_loading: "Loading the state…",
      reason_pending_cmd: "The previous command is still being sent",
      reason_failed_cmd: "The previous command is unconfirmed: Retry or Give up first",
      reason_cooldown: "One moment…",
      reason_signed: "“{name}” was signed at {time}: it cannot be announced or signed again",
      reason_announced: "Announced on the big screen · hold “Confirm signing” to sign",
      reason_pending: "Announce first, or hold “Confirm signing” directly",
      reason_onair_other: "Another project is on screen: Announce switches to this one",
      reason_all_done: "All {n} projects are signed: switch to the Finale",
      reason_nothing_to_undo: "Nothing to undo",
      none_selected: "No project selected",
      no_projects: "No projects yet",
      no_projects_hint: "No projects yet: import the list with python -m kiosk import",
      loading: "Loading…",
      undo_q: "Undo the signing of “{name}”?",
      undo_facts: "signed {time} · {yi} bn yuan. Total after undo: {before} → {after} bn ({n} projects)",
      undo_explain: "The totals and the roll on the big screen will change with it.",
      undo_changed: "The state just changed: check which project will be undone",
      undo_cancel: "Keep it",
      undo_ok: "Undo signing",
      logout_q: "Log out?",
      logout_explain: "You will need the PIN to operate again. The big screen is not affected.",
      stay: "Stay",
      settings: "This device",
      device_label: "Device name (recorded in the log)",
      device_default: "Console",
      av_title: "AV desk access",
      av_text: "Stream Deck / Companion can send commands with a generic HTTP module. The token grants operator rights: keep it private. Every press needs a new command_id: a repeated command_id returns its first answer and does nothing.",
      av_token: "API token",
      copy: "Copy example",
      copied: "Example copied",
      copy_failed: "Could not copy: select the text by hand",
      cancel: "Cancel",
      save: "Save",
      saved_device: "Device name: {name}",
      act_announce: "announce “{name}”",
      act_confirm: "confirm “{name}”",
      act_undo: "undo “{name}”",
      act_undo_latest: "undo the latest signing",
      act_show: "big screen to “{screen}”",
      act_reshow: "show “{name}” again",
      st_ready: "Ready",
      st_sending: "Sending… {what}",
      st_attempt: "attempt {n} · {s} s",
      st_failed: "No answer from the server: {what}. It may not have run: Retry (it will not run twice) or Give up",
      st_abandoned: "Gave up: {what}. It may have run: trust the big-screen state above",
      ok_announce: "Announced “{name}”",
      ok_confirm: "Signed “{name}”",
      ok_undo: "Undid the signing of “{name}”",
      ok_show: "Big screen now shows “{screen}”",
      ok_reshow: "Big screen shows “{name}” again",
      conflict: "The big-screen state changed: check it before the next step",
      rejected: "Not done: {message}",
      session_lost: "Session expired: back to the login…",
      csrf_lost: "This page expired: reloading…",
      hold_cancel_changed: "The state changed, nothing was sent: check and hold again",
      hold_released: "Released too early, not signed: hold for 0.8 s",
      already_showing: "The big screen already shows “{screen}”",
      selection_moved: "Selected project is now “{name}”",
      server_error: "Server error ({code})",
      leave_pending: "A command is not confirmed yet",
      rehearsal_band: "REHEARSAL · not part of the official record",
      rehearsal_sub: "rehearsal",
      st_new_rehearsal: "Rehearsal started: a clean log, not part of the official record",
      st_new_live: "Live ceremony started: a clean log",
      admin_link: "Prepare & report",
      admin_sub: "event, projects, rehearsal and live, report downloads",
      qr_warning_title: "Phones cannot open the golden keys: ",
      card_btn: "Golden key",
      card_title: "Golden key · dedicated project service",
      card_loading: "Loading the golden key…",
      card_failed: "Could not load the golden key: {message}",
      card_address: "Card address",
      card_contact: "Contact",
      card_services: "Services",
      card_no_contact: "not assigned yet (set it in Prepare & report)",
      card_open: "Open card page",
      card_print: "Print this card",
      card_show: "Show on big screen",
      card_show_unsigned: "After signing",
      card_rotate: "New QR address",
      card_rotate_warn: "The old QR code stops working at once: printed or handed-out copies of this card will no longer open and must be reprinted.",
      card_rotate_cancel: "Keep it",
      card_rotate_ok: "Change address",
      card_rotating: "Changing…",
      card_rotated: "New QR address: reprint this card",
      card_rotated_wall: "New QR address: the big screen picks it up within 15 s (Show on big screen: at once). Reprint this card.",
      card_rotate_failed: "Not changed: {message}",
      close: "Close",
      signout_all: "Sign out every device…",
      signout_all_warn: "Every logged-in console and admin page is signed out at once and needs the PIN again. Big screens are not affected.",
      signout_all_ok: "Sign out all",
      signout_all_failed: "Could not sign out every device: {message}",
    },
  };
  var lang = document.documentElement.getAttribute("data-lang") === "en" ? "en" : "zh";

  function t(key, params) {
    var text = (WORDS[lang] && WORDS[lang][key]) || WORDS.zh[key] || key;
    if (params) {
      Object.keys(params).forEach(function (k) { text = text.split("{" + k + "}").join(String(params[k])); });
    }
    return text;
  }

  function applyLanguage(next) {
    next = next === "en" ? "en" : "zh";
    if (next === lang && document.body.getAttribute("data-lang-applied")) return;
    lang = next;
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
    Array.prototype.forEach.call(document.querySelectorAll("[data-t]"), function (el) {
      el.textContent = t(el.getAttribute("data-t"));
    });
    document.body.setAttribute("data-lang-applied", lang);
  }

  // ---------------------------------------------------------------------------------------------------
  // Small helpers
  // ---------------------------------------------------------------------------------------------------






  function clockText(date) {
    return pad2(date.getHours()) + ":" + pad2(date.getMinutes()) + ":" + pad2(date.getSeconds());
  }

  /** "2021-06-21T10:32:05+08:00" -> "10:32": the server's wall clock, as written on the record. */
  function hhmm(iso) {
    var m = /T(\d\d):(\d\d)/.exec(iso || "");
    return m ? m[1] + ":" + m[2] : "";
  }


  /** Money in the console's unit: 亿元 in Chinese (10^4 万元), billions of yuan in English (10^5 万元). */
  function money(wan) {
    return shifted(wan, lang === "en" ? 5 : 4);
  }

  /** A command id without crypto.randomUUID (missing on plain-http LAN addresses). */
  function newCommandId() {
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    }
    var hex = "";
    for (var j = 0; j < bytes.length; j++) hex += (bytes[j] < 16 ? "0" : "") + bytes[j].toString(16);
    return "console-" + Date.now().toString(36) + "-" + hex;
  }

  function storageGet(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  function storageSet(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode: keep it for this page */ }
  }

  // ---------------------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------------------

  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var deviceName = storageGet(DEVICE_KEY) || "";

  var state = null;          // the latest snapshot the server sent
  var stateAt = 0;           // when it arrived (Date.now())
  var seqChangedAt = 0;      // when state.seq last moved (for the big screens' grace period)
  var conn = "connecting";
  var walls = [];            // the big screens connected, from the server
  var manualId = null;       // a row the operator tapped; null: follow the running order
  var pending = null;        // the one command in flight (or failed, waiting for 重试 / 放弃)
  var lockUntil = 0;         // command buttons do not fire before this
  var lockTimer = null;
  var hold = null;           // an ongoing press on 确认签约
  var undoOpen = null;       // {seq, projectId} while the undo dialog is open
  var lastOutcome = null;    // {kind, text, at} for the status line
  var live = null;

  function projectById(id) {
    if (!state || !id) return null;
    for (var i = 0; i < state.projects.length; i++) {
      if (state.projects[i].id === id) return state.projects[i];
    }
    return null;
  }

  /** Selection by default: the project announced on screen; else one announced and left unsigned; else next. */
  function defaultSelectionId(s) {
    if (!s) return null;
    for (var i = 0; i < s.projects.length; i++) {
      if (s.projects[i].status === "announced") return s.projects[i].id;
    }
    // The wall moved away (title, roll…) from a project announced but not signed: it is still the one up.
    var spot = null;
    for (var j = 0; j < s.projects.length; j++) if (s.projects[j].id === s.spotlight_id) spot = s.projects[j];
    if (spot && spot.status !== "signed") return spot.id;
    return s.next_id || null;
  }

  function selectionId() {
    if (manualId && projectById(manualId)) return manualId;
    return defaultSelectionId(state);
  }

  function selected() {
    return projectById(selectionId());
  }

  function lastSigned() {
    if (!state || !state.signing_order || !state.signing_order.length) return null;
    return projectById(state.signing_order[0]);
  }

  function screenLabel(screen) {
    return t("screen_" + screen);
  }

  function statusLabel(status) {
    return t("status_" + status);
  }

  /** Accept a snapshot from the server (socket broadcast or a command's answer), never an older one. */
  function adopt(s) {
    if (!s || typeof s.seq !== "number" || !s.projects) return;
    if (state && s.log_id === state.log_id && s.seq < state.seq) return;
    var before = state;
    var selBefore = selectionId();
    state = s;
    stateAt = Date.now();
    if (!before || before.seq !== s.seq || before.log_id !== s.log_id) seqChangedAt = stateAt;
    if (before && before.log_id !== s.log_id) {
      // A new run (rehearsal started or reset, or gone live): what the status line said belongs to the old log.
      lastOutcome = { kind: "info", text: t(s.mode === "rehearsal" ? "st_new_rehearsal" : "st_new_live"), at: new Date() };
    }
    applyLanguage(s.event && s.event.language);
    setText($("event-title"), s.event && s.event.title);
    if (manualId && !projectById(manualId)) manualId = null;

    if (hold && (hold.seq !== s.seq || selectionId() !== hold.projectId)) {
      cancelHold(t("hold_cancel_changed"), "warn");
    }
    var selAfter = selectionId();
    var moved = before && selAfter !== selBefore;
    if (moved) {
      // The operator's target moved under their finger: hold the buttons a moment and make it visible.
      lockFor(SETTLE_MS);
      flash($("target"));
    }
    if (undoOpen) refreshUndoDialog();
    if (cardOpen) refreshCardDialog();
    if (!warningChecked && s.projects.length) checkCardWarning(s.projects[0].id);
    render();
    if (moved && selAfter && rowNodes[selAfter] && rowNodes[selAfter].scrollIntoView) {
      rowNodes[selAfter].scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Commands
  // ---------------------------------------------------------------------------------------------------

  function lockFor(ms) {
    lockUntil = Math.max(lockUntil, Date.now() + ms);
    clearTimeout(lockTimer);
    lockTimer = setTimeout(render, lockUntil - Date.now() + 20);
  }

  /** Why a command cannot fire now (text for the operator), or "" when it can. */
  function blockedBecause(kind) {
    if (!state) return t("reason_loading");
    if (pending) return pending.phase === "failed" ? t("reason_failed_cmd") : t("reason_pending_cmd");
    var p = selected();
    if (kind === "announce" || kind === "confirm") {
      if (!p) return t("none_selected");
      if (p.status === "signed") return t("reason_signed", { name: p.name, time: hhmm(p.signed_at) });
    }
    if (kind === "undo" && !lastSigned()) return t("reason_nothing_to_undo");
    if (kind === "reshow" && (!p || p.status !== "signed")) return t("none_selected");
    if (Date.now() < lockUntil) return t("reason_cooldown");
    return "";
  }

  function describe(action, fields, meta) {
    var p = projectById(fields.project_id);
    var name = (meta && meta.projectName) || (p ? p.name : fields.project_id || "");
    if (action === "announce") return t("act_announce", { name: name });
    if (action === "confirm") return t("act_confirm", { name: name });
    if (action === "undo") return name ? t("act_undo", { name: name }) : t("act_undo_latest");
    if (fields.project_id) return t("act_reshow", { name: name });
    return t("act_show", { screen: screenLabel(fields.screen) });
  }

  /**
   * Send a command. kind names the button that shows it as pending; fields go into the body as they are.
   * The command id is made here, once: every retry of this command sends the same one.
   */
  function send(kind, action, fields, meta) {
    var why = blockedBecause(kind);
    if (why) {
      nudge(why);
      return false;
    }
    var body = { command_id: newCommandId(), action: action };
    Object.keys(fields).forEach(function (k) { if (fields[k] !== undefined && fields[k] !== null) body[k] = fields[k]; });
    pending = {
      kind: kind,
      body: body,
      what: describe(action, fields, meta),
      projectId: (meta && meta.projectId) || fields.project_id || null,
      projectName: (meta && meta.projectName) || (projectById(fields.project_id) || {}).name || "",
      startedAt: Date.now(),
      attempts: 0,
      phase: "sending",
      timer: null,
    };
    lockFor(MIN_INTERVAL_MS);
    attempt(pending);
    render();
    return true;
  }

  function attempt(p) {
    if (pending !== p) return;
    p.attempts += 1;
    p.phase = "sending";
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, ATTEMPT_TIMEOUT_MS);
    render();
    fetch("/api/v1/commands", {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: {
        "Content-Type": "application/json",
        "X-CSRF-Token": csrf,
        // Header values must be Latin-1: a Chinese device name travels percent-encoded.
        "X-Kiosk-Device": encodeURIComponent(deviceName || t("device_default")),
      },
      body: JSON.stringify(p.body),
      signal: controller.signal,
    })
      .then(function (r) {
        return r.text().then(function (text) {
          var data = null;
          try { data = JSON.parse(text); } catch (e) { data = null; }
          return { status: r.status, data: data };
        });
      })
      .then(
        function (res) {
          clearTimeout(timer);
          if (pending !== p) return;
          answered(p, res);
        },
        function () {
          clearTimeout(timer);
          if (pending !== p) return;
          retryLater(p);
        }
      );
  }

  function retryLater(p) {
    var elapsed = Date.now() - p.startedAt;
    if (elapsed >= GIVE_UP_MS) {
      p.phase = "failed";
      toast(t("st_failed", { what: p.what }), "error", 8000);
      render();
      return;
    }
    var delay = BACKOFF_MS[Math.min(p.attempts - 1, BACKOFF_MS.length - 1)];
    delay = Math.max(0, Math.min(delay, GIVE_UP_MS - elapsed));
    p.phase = "waiting";
    p.timer = setTimeout(function () { attempt(p); }, delay);
    render();
  }

  function finish(kind, text) {
    pending = null;
    lastOutcome = { kind: kind, text: text, at: new Date() };
  }

  function answered(p, res) {
    var data = res.data;
    // A captive portal, a proxy page, a server restarting: no answer from the ceremony, so not an answer.
    if (res.status >= 500 || (res.status === 200 && (!data || data.status !== "ok"))) {
      retryLater(p);
      return;
    }
    if (res.status === 200) {
      var action = p.body.action;
      var name = p.projectName;
      var text;
      if (action === "announce") text = t("ok_announce", { name: name });
      else if (action === "confirm") text = t("ok_confirm", { name: name });
      else if (action === "undo") {
        var undone = data.state && data.state.last && projectById(data.state.last.project_id);
        text = t("ok_undo", { name: undone ? undone.name : name });
      } else if (p.body.project_id) text = t("ok_reshow", { name: name });
      else text = t("ok_show", { screen: screenLabel(p.body.screen) });
      finish("ok", text);
      if (action !== "show") manualId = null; // after a step of the ceremony, follow the running order again
      adopt(data.state);
      toast(text, "ok", 2500);
      render();
      return;
    }
    if (res.status === 409) {
      finish("warn", t("conflict"));
      if (data && data.state) adopt(data.state);
      lockFor(SETTLE_MS);
      toast(t("conflict"), "warn", 6000);
      render();
      return;
    }
    if (res.status === 401) {
      finish("error", t("session_lost"));
      toast(t("session_lost"), "error", 5000);
      render();
      setTimeout(function () { window.location.replace("/control"); }, 1200);
      return;
    }
    if (res.status === 403) {
      finish("error", t("csrf_lost"));
      toast(t("csrf_lost"), "error", 5000);
      render();
      setTimeout(function () { window.location.reload(); }, 1200);
      return;
    }
    var message = (data && data.message) || t("server_error", { code: res.status });
    finish("error", t("rejected", { message: message }));
    toast(t("rejected", { message: message }), "error", 6000);
    if (live) live.refresh();
    render();
  }

  function retryFailed() {
    if (!pending || pending.phase !== "failed") return;
    pending.startedAt = Date.now();
    pending.attempts = 0;
    attempt(pending);
  }

  function abandonFailed() {
    if (!pending || pending.phase !== "failed") return;
    var what = pending.what;
    clearTimeout(pending.timer);
    finish("warn", t("st_abandoned", { what: what }));
    toast(t("st_abandoned", { what: what }), "warn", 6000);
    lockFor(MIN_INTERVAL_MS);
    if (live) live.refresh();
    render();
  }

  // ---------------------------------------------------------------------------------------------------
  // Hold to confirm
  // ---------------------------------------------------------------------------------------------------

  var btnConfirm = $("btn-confirm");

  function startHold(via, pointerId) {
    if (hold) return;
    var why = blockedBecause("confirm");
    if (why) {
      nudge(why);
      return;
    }
    var p = selected();
    hold = {
      via: via,
      pointerId: pointerId,
      seq: state.seq,
      projectId: p.id,
      projectName: p.name,
      timer: setTimeout(holdDone, HOLD_MS),
    };
    btnConfirm.classList.add("is-holding");
    setText(btnConfirm.querySelector(".cmd-sub"), t("confirm_holding"));
  }

  function cancelHold(message, kind) {
    if (!hold) return;
    clearTimeout(hold.timer);
    hold = null;
    btnConfirm.classList.remove("is-holding");
    if (message) nudge(message, kind);
    render();
  }

  function holdDone() {
    var h = hold;
    hold = null;
    btnConfirm.classList.remove("is-holding");
    if (!h) return;
    if (!state || state.seq !== h.seq || selectionId() !== h.projectId) {
      nudge(t("hold_cancel_changed"), "warn");
      render();
      return;
    }
    send("confirm", "confirm", { project_id: h.projectId, expected_seq: h.seq }, { projectName: h.projectName });
  }

  function releaseHold() {
    if (hold) cancelHold(t("hold_released"), "warn");
  }

  btnConfirm.addEventListener("pointerdown", function (e) {
    if (e.pointerType === "mouse" && e.button !== 0) return;
    e.preventDefault();
    startHold("pointer", e.pointerId);
  });
  btnConfirm.addEventListener("pointerup", function (e) {
    if (hold && hold.via === "pointer" && hold.pointerId === e.pointerId) releaseHold();
  });
  ["pointercancel", "pointerleave"].forEach(function (type) {
    btnConfirm.addEventListener(type, function (e) {
      if (hold && hold.via === "pointer" && hold.pointerId === e.pointerId) releaseHold();
    });
  });
  // Touch pointers are captured by the button, so no pointerleave: a finger sliding off cancels too.
  btnConfirm.addEventListener("pointermove", function (e) {
    if (!hold || hold.via !== "pointer" || hold.pointerId !== e.pointerId) return;
    var r = btnConfirm.getBoundingClientRect();
    var m = 16;
    if (e.clientX < r.left - m || e.clientX > r.right + m || e.clientY < r.top - m || e.clientY > r.bottom + m) {
      releaseHold();
    }
  });
  btnConfirm.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" && e.key !== " ") return;
    e.preventDefault();
    if (e.repeat) return;
    startHold("key", null);
  });
  btnConfirm.addEventListener("keyup", function (e) {
    if (e.key !== "Enter" && e.key !== " ") return;
    e.preventDefault();
    if (hold && hold.via === "key") releaseHold();
  });
  btnConfirm.addEventListener("blur", function () { if (hold) cancelHold(); });
  btnConfirm.addEventListener("click", function (e) { e.preventDefault(); });
  window.addEventListener("blur", function () { if (hold) cancelHold(); });
  document.addEventListener("visibilitychange", function () { if (hold) cancelHold(); });

  // ---------------------------------------------------------------------------------------------------
  // Other buttons
  // ---------------------------------------------------------------------------------------------------

  $("btn-announce").addEventListener("click", function () {
    var p = selected();
    if (blockedBecause("announce")) {
      nudge(blockedBecause("announce"));
      return;
    }
    send("announce", "announce", { project_id: p.id, expected_seq: state.seq });
  });

  $("btn-reshow").addEventListener("click", function () {
    var p = selected();
    if (!p) return;
    send("reshow", "show", { screen: "spotlight", project_id: p.id });
  });

  Array.prototype.forEach.call(document.querySelectorAll(".scr[data-screen]"), function (button) {
    button.addEventListener("click", function () {
      var screen = button.getAttribute("data-screen");
      if (!state) return;
      if (state.screen === screen && !pending) {
        nudge(t("already_showing", { screen: screenLabel(screen) }));
        return;
      }
      send("show:" + screen, "show", { screen: screen });
    });
  });

  $("rows").addEventListener("click", function (e) {
    var row = e.target.closest(".row[data-id]");
    if (!row) return;
    var id = row.getAttribute("data-id");
    if (hold) return;
    manualId = id === defaultSelectionId(state) ? null : id;
    render();
  });

  $("follow-btn").addEventListener("click", function () {
    manualId = null;
    render();
  });

  $("btn-retry").addEventListener("click", retryFailed);
  $("btn-abandon").addEventListener("click", abandonFailed);

  // Undo: ask first, naming the project; the safe answer is the default.
  var undoDialog = $("undo-dialog");

  /** The question names the project in bold; the facts say what the wall's total will become. */
  function fillUndoDialog(p) {
    var q = $("undo-question");
    clear(q);
    var parts = t("undo_q", { name: "\u0000" }).split("\u0000");
    q.appendChild(document.createTextNode(parts[0]));
    q.appendChild(el("strong", null, p.name));
    q.appendChild(document.createTextNode(parts[1] || ""));
    setText($("undo-facts"), t("undo_facts", {
      time: hhmm(p.signed_at),
      yi: money(p.amount_wan),
      before: money(state.total_wan),
      after: money(state.total_wan - p.amount_wan),
      n: state.signed_count - 1,
    }));
  }

  function refreshUndoDialog() {
    var p = lastSigned();
    if (!p) {
      undoDialog.close("cancel");
      return;
    }
    fillUndoDialog(p);
    if (undoOpen.projectId !== p.id) {
      // A different project would be taken back now: say so, and give the eyes a moment before the button.
      undoOpen.projectId = p.id;
      var warn = $("undo-warn");
      warn.hidden = false;
      setText(warn, t("undo_changed"));
      $("undo-ok").disabled = true;
      setTimeout(function () { $("undo-ok").disabled = false; }, SETTLE_MS);
    }
    undoOpen.seq = state.seq;
  }

  $("btn-undo").addEventListener("click", function () {
    var why = blockedBecause("undo");
    if (why) {
      nudge(why);
      return;
    }
    var p = lastSigned();
    undoOpen = { seq: state.seq, projectId: p.id };
    fillUndoDialog(p);
    $("undo-warn").hidden = true;
    $("undo-ok").disabled = false;
    undoDialog.returnValue = "";
    undoDialog.showModal();
    $("undo-cancel").focus();
  });

  undoDialog.addEventListener("close", function () {
    var opened = undoOpen;
    undoOpen = null;
    if (undoDialog.returnValue !== "undo" || !opened) return;
    var p = projectById(opened.projectId);
    send("undo", "undo", { expected_seq: opened.seq }, { projectId: opened.projectId, projectName: p ? p.name : "" });
  });

  // Settings: this device's name, and the AV desk's access.
  var settingsDialog = $("settings-dialog");
  var deviceInput = $("device-input");

  $("device-btn").addEventListener("click", function () {
    deviceInput.value = deviceName || t("device_default");
    var curl = $("av-curl");
    var token = curl.getAttribute("data-token") || "";
    curl.value =
      "curl -X POST '" + window.location.origin + "/api/v1/commands' \\\n" +
      "  -H 'Authorization: Bearer " + token + "' \\\n" +
      "  -H 'Content-Type: application/json' \\\n" +
      "  -d '{\"command_id\":\"deck-'$(date +%s%N)'\",\"action\":\"show\",\"screen\":\"blank\"}'";
    settingsDialog.returnValue = "";
    settingsDialog.showModal();
  });

  deviceInput.addEventListener("keydown", function (e) {
    if (e.key === "Enter") {
      e.preventDefault();
      settingsDialog.close("save");
    }
  });

  settingsDialog.addEventListener("close", function () {
    if (settingsDialog.returnValue !== "save") return;
    var name = deviceInput.value.trim().slice(0, 20);
    deviceName = name && name !== t("device_default") ? name : "";
    storageSet(DEVICE_KEY, deviceName);
    toast(t("saved_device", { name: deviceName || t("device_default") }), "ok", 2000);
    render();
  });

  $("av-copy").addEventListener("click", function () {
    var curl = $("av-curl");
    function fallback() {
      curl.focus();
      curl.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      toast(ok ? t("copied") : t("copy_failed"), ok ? "ok" : "warn", 2500);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(curl.value).then(function () { toast(t("copied"), "ok", 2000); }, fallback);
    } else {
      fallback();
    }
  });

  // ---------------------------------------------------------------------------------------------------
  // The golden key (concierge card) of a project: preview, open, print, show on the wall, new address
  // ---------------------------------------------------------------------------------------------------

  /** A JSON request with this console's session; resolves to {status, data}, rejects on network errors. */
  function api(method, path, body) {
    var headers = { "X-CSRF-Token": csrf };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(path, {
      method: method,
      credentials: "same-origin",
      cache: "no-store",
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (r) {
      return r.text().then(function (text) {
        var data = null;
        try { data = JSON.parse(text); } catch (e) { data = null; }
        if (r.status === 401) {
          toast(t("session_lost"), "error", 5000);
          setTimeout(function () { window.location.replace("/control"); }, 1200);
        }
        return { status: r.status, data: data };
      });
    });
  }

  function cardPath(projectId) {
    return "/api/v1/projects/" + encodeURIComponent(projectId) + "/card";
  }

  var warningChecked = false;

  /** The QR codes point where phones cannot go (localhost): a banner that stays until that is fixed. */
  function showCardWarning(text) {
    var banner = $("qr-warning");
    banner.hidden = !text;
    setText($("qr-warning-text"), text || "");
    document.body.classList.toggle("has-qr-warning", !!text);
  }

  function checkCardWarning(projectId) {
    warningChecked = true;
    api("GET", cardPath(projectId)).then(function (res) {
      if (res.status === 200 && res.data) showCardWarning(res.data.warning);
      else warningChecked = false;
    }, function () { warningChecked = false; });
  }

  var cardDialog = $("card-dialog");
  var cardOpen = null; // {id, card} while the dialog is open

  function openCardDialog(projectId) {
    var p = projectById(projectId);
    if (!p) return;
    cardOpen = { id: p.id, card: null };
    $("card-error").hidden = true;
    $("card-warning").hidden = true;
    $("card-note").hidden = true;
    $("card-body").classList.add("is-loading");
    setText($("card-url"), t("card_loading"));
    setText($("card-contact"), "");
    clear($("card-services"));
    $("card-qr").removeAttribute("src");
    showRotateConfirm(false);
    refreshCardDialog();
    cardDialog.returnValue = "";
    if (!cardDialog.open) cardDialog.showModal();
    $("card-close").focus();
    loadCard(p.id);
  }

  function loadCard(projectId) {
    api("GET", cardPath(projectId)).then(function (res) {
      if (!cardOpen || cardOpen.id !== projectId) return;
      if (res.status === 200 && res.data) fillCard(res.data);
      else cardError(t("card_failed", { message: (res.data && res.data.message) || t("server_error", { code: res.status }) }));
    }, function () {
      if (cardOpen && cardOpen.id === projectId) cardError(t("card_failed", { message: t("conn_reconnecting") }));
    });
  }

  function cardError(text) {
    var box = $("card-error");
    box.hidden = false;
    setText(box, text);
    $("card-body").classList.remove("is-loading");
  }

  function fillCard(card) {
    cardOpen.card = card;
    $("card-body").classList.remove("is-loading");
    $("card-error").hidden = true;
    // The operators' QR (no-store) with a fresh query: after a new address, the new picture.
    $("card-qr").src = card.qr_svg + "?t=" + Date.now();
    setText($("card-url"), card.url);
    var who = [card.contact_name, card.contact_title, card.contact_phone].filter(Boolean).join(" · ");
    setText($("card-contact"), who || t("card_no_contact"));
    $("card-contact").classList.toggle("is-missing", !who);
    var list = $("card-services");
    clear(list);
    (card.services || []).forEach(function (item) { list.appendChild(el("li", null, item)); });
    $("card-open").href = card.url;
    $("card-print").href = card.print;
    var warn = $("card-warning");
    warn.hidden = !card.warning;
    setText(warn, card.warning || "");
    showCardWarning(card.warning);
  }

  /** Buttons that depend on the live state: 在大屏展示 only for a signed project. */
  function refreshCardDialog() {
    if (!cardOpen) return;
    var p = projectById(cardOpen.id);
    var button = $("card-show");
    var signed = !!p && p.status === "signed";
    button.disabled = !signed;
    setText(button, signed ? t("card_show") : t("card_show_unsigned"));
    var head = $("card-project");
    clear(head);
    if (!p) return;
    head.appendChild(document.createTextNode(p.order + ". " + p.name + " "));
    var chip = el("span", "chip is-" + p.status, statusLabel(p.status) + (signed ? " " + hhmm(p.signed_at) : ""));
    head.appendChild(chip);
  }

  function showRotateConfirm(on) {
    $("card-rotate-confirm").hidden = !on;
    $("card-actions").hidden = on;
    if (on) $("card-rotate-cancel").focus();
  }

  $("btn-card").addEventListener("click", function () {
    var p = selected();
    if (p) openCardDialog(p.id);
  });

  $("card-show").addEventListener("click", function () {
    var p = cardOpen && projectById(cardOpen.id);
    if (!p || p.status !== "signed") {
      nudge(t("card_show_unsigned"));
      return;
    }
    if (send("cardshow", "show", { screen: "spotlight", project_id: p.id }, { projectId: p.id, projectName: p.name })) {
      cardDialog.close("show");
    }
  });

  $("card-rotate").addEventListener("click", function () { showRotateConfirm(true); });
  $("card-rotate-cancel").addEventListener("click", function () { showRotateConfirm(false); });

  $("card-rotate-ok").addEventListener("click", function () {
    if (!cardOpen) return;
    var id = cardOpen.id;
    var ok = $("card-rotate-ok");
    ok.disabled = true;
    setText(ok, t("card_rotating"));
    function done() {
      ok.disabled = false;
      setText(ok, t("card_rotate_ok"));
    }
    api("POST", cardPath(id) + "/rotate", {}).then(function (res) {
      done();
      if (!cardOpen || cardOpen.id !== id) return;
      if (res.status === 200 && res.data) {
        showRotateConfirm(false);
        fillCard(res.data);
        var p = projectById(id);
        var onWall = !!state && state.screen === "spotlight" && state.spotlight_id === id && p && p.status === "signed";
        var note = $("card-note");
        note.hidden = false;
        setText(note, onWall ? t("card_rotated_wall") : t("card_rotated"));
        note.classList.toggle("is-wall", onWall);
        toast(t("card_rotated"), "ok", 3000);
      } else {
        var message = (res.data && res.data.message) || t("server_error", { code: res.status });
        toast(t("card_rotate_failed", { message: message }), "error", 6000);
        if (res.status === 403) setTimeout(function () { window.location.reload(); }, 1200);
      }
    }, function () {
      done();
      toast(t("card_rotate_failed", { message: t("conn_reconnecting") }), "error", 6000);
    });
  });

  cardDialog.addEventListener("close", function () {
    cardOpen = null;
    showRotateConfirm(false);
  });

  // Sign out every device (a tablet went missing, the PIN leaked), after asking.
  $("signout-all-btn").addEventListener("click", function () {
    $("signout-confirm").hidden = false;
    $("signout-all-btn").hidden = true;
    $("signout-cancel").focus();
  });

  function hideSignoutConfirm() {
    $("signout-confirm").hidden = true;
    $("signout-all-btn").hidden = false;
  }

  $("signout-cancel").addEventListener("click", hideSignoutConfirm);
  settingsDialog.addEventListener("close", hideSignoutConfirm);

  $("signout-ok").addEventListener("click", function () {
    var ok = $("signout-ok");
    ok.disabled = true;
    api("POST", "/api/v1/session/sign-out-all", {}).then(function (res) {
      if (res.status === 200 || res.status === 401) {
        window.location.replace("/control");
        return;
      }
      ok.disabled = false;
      toast(t("signout_all_failed", { message: (res.data && res.data.message) || t("server_error", { code: res.status }) }), "error", 6000);
    }, function () {
      ok.disabled = false;
      toast(t("signout_all_failed", { message: t("conn_reconnecting") }), "error", 6000);
    });
  });

  // Logout, after asking (a stray tap must not cost a PIN entry in the middle of the ceremony).
  var logoutDialog = $("logout-dialog");
  $("logout-btn").addEventListener("click", function () {
    logoutDialog.returnValue = "";
    logoutDialog.showModal();
  });
  logoutDialog.addEventListener("close", function () {
    if (logoutDialog.returnValue !== "logout") return;
    fetch("/api/v1/session", {
      method: "DELETE",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf },
    })
      .catch(function () {})
      .then(function () { window.location.replace("/control"); });
  });

  // Long presses must not open the context menu or select text anywhere on the console.
  document.addEventListener("contextmenu", function (e) {
    if (!e.target.closest("input, textarea, code")) e.preventDefault();
  });

  window.addEventListener("beforeunload", function (e) {
    if (pending) {
      e.preventDefault();
      e.returnValue = t("leave_pending");
      return t("leave_pending");
    }
    return undefined;
  });

  // ---------------------------------------------------------------------------------------------------
  // Feedback
  // ---------------------------------------------------------------------------------------------------

  var nudgeTimer = null;

  /** A short answer to a tap that did nothing (why not), in the status line. */
  function nudge(text, kind) {
    lastOutcome = { kind: kind || "info", text: text, at: new Date(), transient: true };
    renderStatus();
    clearTimeout(nudgeTimer);
    nudgeTimer = setTimeout(function () {
      if (lastOutcome && lastOutcome.transient) lastOutcome = null;
      renderStatus();
    }, 3500);
  }

  function toast(text, kind, ms) {
    var box = $("toasts");
    var node = el("div", "toast is-" + kind, text);
    box.appendChild(node);
    while (box.children.length > 3) box.removeChild(box.firstChild);
    setTimeout(function () {
      node.classList.add("is-leaving");
      setTimeout(function () { if (node.parentNode) node.parentNode.removeChild(node); }, 300);
    }, ms || 3000);
  }

  function flash(node) {
    node.classList.remove("is-flash");
    void node.offsetWidth;
    node.classList.add("is-flash");
  }

  // ---------------------------------------------------------------------------------------------------
  // Drawing
  // ---------------------------------------------------------------------------------------------------

  function render() {
    renderMode();
    renderHeader();
    renderRows();
    renderOnAir();
    renderTarget();
    renderStandby();
    renderUndo();
    renderScreens();
    renderStatus();
    document.body.classList.toggle("is-cooling", Date.now() < lockUntil);
    document.body.classList.toggle("has-pending", !!pending);
  }

  /** Rehearsal: an amber band and frame on the console. The big screen never shows it. */
  function renderMode() {
    var rehearsal = !!state && state.mode === "rehearsal";
    document.body.classList.toggle("is-rehearsal", rehearsal);
    $("rehearsal-band").hidden = !rehearsal;
  }

  function renderHeader() {
    document.body.setAttribute("data-conn", conn);
    setText($("conn-label"), t("conn_" + conn));
    var detail = "";
    if (conn === "live") detail = t("conn_detail_live");
    else if (stateAt) detail = t("conn_detail_lost", { time: clockText(new Date(stateAt)) });
    else detail = t("conn_detail_never");
    setText($("conn-detail"), detail);
    setText($("device-name"), deviceName || t("device_default"));
    renderWalls();
  }

  function wallInfo(w) {
    if (conn !== "live" || !state) return { cls: "unknown", text: t("wall_unknown") };
    if (typeof w.seq !== "number") return { cls: "behind", text: t("wall_waiting") };
    if (w.seq >= state.seq) return { cls: "synced", text: t("wall_synced") };
    if (Date.now() - seqChangedAt < WALL_GRACE_MS) return { cls: "syncing", text: t("wall_syncing") };
    return { cls: "behind", text: t("wall_behind", { n: state.seq - w.seq }) };
  }

  function renderWalls() {
    var box = $("walls-list");
    var key;
    var parts = [];
    if (!walls.length) {
      parts.push({ cls: conn === "live" ? "none" : "unknown", name: conn === "live" ? t("wall_none") : t("wall_unknown"), text: "" });
    } else {
      walls.slice(0, 2).forEach(function (w) {
        var info = wallInfo(w);
        parts.push({ cls: info.cls, name: w.name, text: info.text, title: (w.addr || "") });
      });
      if (walls.length > 2) parts.push({ cls: "more", name: t("wall_more", { n: walls.length - 2 }), text: "" });
    }
    key = JSON.stringify(parts);
    if (box.getAttribute("data-key") === key) return;
    box.setAttribute("data-key", key);
    clear(box);
    var worst = "synced";
    parts.forEach(function (part) {
      var chip = el("div", "wall is-" + part.cls);
      if (part.title) chip.title = part.title;
      chip.appendChild(el("span", "wall-dot"));
      chip.appendChild(el("span", "wall-name", part.name));
      if (part.text) chip.appendChild(el("span", "wall-state", part.text));
      box.appendChild(chip);
      if (part.cls === "none") worst = "none";
      else if ((part.cls === "behind" || part.cls === "unknown") && worst !== "none") worst = part.cls;
    });
    $("walls").setAttribute("data-worst", worst);
  }

  var rowNodes = {};

  function makeRow(id) {
    var li = el("li", "row");
    li.setAttribute("data-id", id);
    var button = el("button", "row-btn");
    button.type = "button";
    var order = el("span", "row-order");
    var main = el("span", "row-main");
    var name = el("span", "row-name");
    var sub = el("span", "row-sub");
    var tags = el("span", "row-tags");
    var investor = el("span", "row-investor");
    sub.appendChild(tags);
    sub.appendChild(investor);
    main.appendChild(name);
    main.appendChild(sub);
    var amount = el("span", "row-amount");
    var amountNum = el("b", "row-amount-num");
    var amountUnit = el("small", "row-amount-unit");
    amount.appendChild(amountNum);
    amount.appendChild(amountUnit);
    var status = el("span", "row-status");
    var chip = el("span", "chip");
    var time = el("span", "row-time");
    status.appendChild(chip);
    status.appendChild(time);
    button.appendChild(order);
    button.appendChild(main);
    button.appendChild(amount);
    button.appendChild(status);
    li.appendChild(button);
    li._parts = { button: button, order: order, name: name, tags: tags, investor: investor, amountNum: amountNum,
      amountUnit: amountUnit, chip: chip, time: time, tagKey: null };
    return li;
  }

  function renderRows() {
    var list = $("rows");
    if (!state) {
      if (!list.firstChild) list.appendChild(el("li", "rows-empty", t("loading")));
      return;
    }
    var empty = list.querySelector(".rows-empty");
    if (empty) list.removeChild(empty);
    if (!state.projects.length) list.appendChild(el("li", "rows-empty", t("no_projects_hint")));
    var sel = selectionId();
    var seen = {};
    state.projects.forEach(function (p, index) {
      seen[p.id] = true;
      var li = rowNodes[p.id];
      if (!li) {
        li = makeRow(p.id);
        rowNodes[p.id] = li;
      }
      if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
      var parts = li._parts;
      setText(parts.order, p.order);
      setText(parts.name, p.name);
      setText(parts.investor, p.investor);
      setText(parts.amountNum, money(p.amount_wan));
      setText(parts.amountUnit, t("yi"));
      setText(parts.chip, statusLabel(p.status));
      parts.chip.className = "chip is-" + p.status;
      setText(parts.time, p.status === "signed" ? hhmm(p.signed_at) : "");
      li.setAttribute("data-status", p.status);
      li.classList.toggle("is-selected", p.id === sel);
      var onAir = state.screen === "spotlight" && state.spotlight_id === p.id;
      var isNext = state.next_id === p.id;
      var sending = pending && pending.projectId === p.id;
      li.classList.toggle("is-onair", onAir);
      li.classList.toggle("is-sending", !!sending);
      parts.button.setAttribute("aria-pressed", p.id === sel ? "true" : "false");
      var tagKey = [onAir, isNext, sending ? pending.phase : "", lang].join("|");
      if (parts.tagKey !== tagKey) {
        parts.tagKey = tagKey;
        clear(parts.tags);
        if (sending) {
          var s = el("span", "tag is-sending" + (pending.phase === "failed" ? " is-failed" : ""));
          if (pending.phase !== "failed") s.appendChild(el("span", "spinner"));
          s.appendChild(el("span", null, pending.phase === "failed" ? t("retry") + "?" : t("tag_sending")));
          parts.tags.appendChild(s);
        }
        if (onAir) parts.tags.appendChild(el("span", "tag is-onair", t("tag_onair")));
        if (isNext) parts.tags.appendChild(el("span", "tag is-next", t("tag_next")));
      }
    });
    Object.keys(rowNodes).forEach(function (id) {
      if (!seen[id]) {
        if (rowNodes[id].parentNode) rowNodes[id].parentNode.removeChild(rowNodes[id]);
        delete rowNodes[id];
      }
    });
    var progress = $("progress");
    clear(progress);
    progress.appendChild(el("b", null, t("progress", { done: state.signed_count, all: state.project_count, yi: money(state.total_wan) })));
    if (state.planned) progress.appendChild(el("span", "progress-of", t("progress_of", { yi: money(state.planned.total_wan) })));
  }

  function renderOnAir() {
    var card = $("onair");
    if (!state) return;
    card.setAttribute("data-screen", state.screen);
    setText($("onair-screen"), screenLabel(state.screen));
    var project = "";
    var note = "";
    if (state.screen === "spotlight") {
      var p = projectById(state.spotlight_id);
      project = p ? p.name : "";
      if (p && p.status === "signed") note = t("onair_signed", { time: hhmm(p.signed_at) });
      else if (p && p.status === "announced") note = t("onair_announced");
      else note = t("onair_spotlight_pending");
      card.setAttribute("data-status", p ? p.status : "");
    } else {
      card.setAttribute("data-status", "");
      if (state.screen === "title") { project = state.event.title; note = t("onair_title"); }
      if (state.screen === "roll") note = t("onair_roll", { n: state.signed_count });
      if (state.screen === "finale") note = t("onair_finale", { yi: money(state.total_wan), n: state.signed_count });
      if (state.screen === "blank") note = t("onair_blank");
    }
    setText($("onair-project"), project);
    setText($("onair-note"), note);
  }

  function setCmdState(button, disabled, waiting, busy) {
    button.disabled = !!disabled;
    button.classList.toggle("is-waiting", !!waiting && !disabled && !busy);
    button.classList.toggle("is-busy", !!busy);
    button.classList.toggle("is-failed", !!busy && !!pending && pending.phase === "failed");
    button.setAttribute("aria-busy", busy ? "true" : "false");
  }

  function setBusyLabel(button, busy, normalKey, failedPhase) {
    var label = button.querySelector(".cmd-label");
    var spinner = button.querySelector(".spinner");
    if (busy && !failedPhase) {
      if (!spinner) {
        spinner = el("span", "spinner");
        button.insertBefore(spinner, label);
      }
      setText(label, t("sending"));
    } else {
      if (spinner) button.removeChild(spinner);
      setText(label, t(normalKey));
    }
  }

  function renderTarget() {
    var p = selected();
    var card = $("target");
    var manual = !!(manualId && projectById(manualId));
    setText($("target-mode"), state ? (manual ? t("mode_manual") : t("mode_auto")) : "");
    $("target-mode").className = "target-mode" + (manual ? " is-manual" : "");
    $("follow-btn").hidden = !manual;
    card.setAttribute("data-status", p ? p.status : "none");

    var chip = $("target-chip");
    var reason = "";
    var reshow = false;
    if (!state) {
      setText($("target-order"), "");
      setText($("target-name"), t("loading"));
      setText($("target-meta"), "");
      chip.className = "chip";
      setText(chip, "");
      reason = t("reason_loading");
    } else if (!p) {
      var empty = !state.projects.length;
      setText($("target-order"), "");
      setText($("target-name"), empty ? t("no_projects") : t("next_none"));
      setText($("target-meta"), "");
      chip.className = "chip";
      setText(chip, "");
      reason = empty ? t("no_projects_hint") : t("reason_all_done", { n: state.project_count });
    } else {
      setText($("target-order"), p.order);
      setText($("target-name"), p.name);
      setText($("target-meta"), p.investor + " · " + money(p.amount_wan) + " " + t("yi"));
      chip.className = "chip is-" + p.status;
      setText(chip, statusLabel(p.status) + (p.status === "signed" ? " " + hhmm(p.signed_at) : ""));
      if (p.status === "signed") {
        reason = t("reason_signed", { name: p.name, time: hhmm(p.signed_at) });
        reshow = !(state.screen === "spotlight" && state.spotlight_id === p.id);
      } else if (p.status === "announced") {
        reason = t("reason_announced");
      } else if (state.screen === "spotlight" && state.spotlight_id && state.spotlight_id !== p.id) {
        reason = t("reason_onair_other");
      } else {
        reason = t("reason_pending");
      }
    }
    if (pending && pending.phase === "failed") reason = t("reason_failed_cmd");
    setText($("reason-text"), reason);
    $("btn-reshow").hidden = !reshow;
    $("btn-card").hidden = !p;

    var cannotTarget = !state || !p || p.status === "signed";
    var waiting = !!pending || Date.now() < lockUntil;
    var ann = $("btn-announce");
    var announceBusy = !!pending && pending.kind === "announce";
    setCmdState(ann, cannotTarget && !announceBusy, waiting, announceBusy);
    setBusyLabel(ann, announceBusy, "announce", pending && pending.phase === "failed");
    setText(ann.querySelector(".cmd-sub"), t(p && p.status === "announced" ? "announce_again" : "announce_sub"));

    var confirmBusy = !!pending && pending.kind === "confirm";
    setCmdState(btnConfirm, cannotTarget && !confirmBusy, waiting, confirmBusy);
    setBusyLabel(btnConfirm, confirmBusy, "confirm", pending && pending.phase === "failed");
    if (!hold) setText(btnConfirm.querySelector(".cmd-sub"), t("confirm_sub"));

    var reshowBtn = $("btn-reshow");
    var reshowBusy = !!pending && pending.kind === "reshow";
    reshowBtn.classList.toggle("is-busy", reshowBusy);
    reshowBtn.classList.toggle("is-waiting", waiting && !reshowBusy);
    setText(reshowBtn, reshowBusy && pending.phase !== "failed" ? t("sending") : t("reshow"));
  }

  /** The first unsigned project after ``p`` in the running order (none: ``p`` is the last one waiting). */
  function pendingAfter(p) {
    if (!state || !p) return null;
    for (var i = 0; i < state.projects.length; i++) {
      var q = state.projects[i];
      if (q.order > p.order && q.status !== "signed" && q.id !== p.id) return q;
    }
    return null;
  }

  function renderStandby() {
    // "下一个" is the server's next_id; when that is already the selected project, show what follows it.
    var sel = selected();
    var next = state ? projectById(state.next_id) : null;
    var label = "next";
    if (next && sel && next.id === sel.id) {
      next = pendingAfter(sel);
      label = "after";
    }
    setText($("standby-label"), t(label));
    setText($("standby-order"), next ? next.order : "");
    var none = label === "after" ? t("after_none") : t("next_none");
    setText($("standby-name"), next ? next.name : state ? none : "—");
    $("standby").classList.toggle("is-empty", !next);
  }

  function renderUndo() {
    var button = $("btn-undo");
    var latest = lastSigned();
    var busy = !!pending && pending.kind === "undo";
    setCmdState(button, !latest && !busy, !!pending || Date.now() < lockUntil, busy);
    setBusyLabel(button, busy, "undo", pending && pending.phase === "failed");
    setText($("undo-sub"), latest ? t("undo_sub", { name: latest.name }) : t("undo_none"));
  }

  function renderScreens() {
    var waiting = !!pending || Date.now() < lockUntil;
    Array.prototype.forEach.call(document.querySelectorAll(".scr[data-screen]"), function (button) {
      var screen = button.getAttribute("data-screen");
      var current = !!state && state.screen === screen;
      var busy = !!pending && pending.kind === "show:" + screen;
      button.classList.toggle("is-current", current);
      button.setAttribute("aria-pressed", current ? "true" : "false");
      setCmdState(button, !state, waiting && !current, busy);
      setBusyLabel(button, busy, "screen_" + screen, pending && pending.phase === "failed");
    });
  }

  function renderStatus() {
    var line = $("statusline");
    var text = "";
    var kind = "idle";
    var time = "";
    var failed = !!pending && pending.phase === "failed";
    if (pending && !failed) {
      kind = "pending";
      text = t("st_sending", { what: pending.what });
      time = t("st_attempt", { n: pending.attempts, s: Math.floor((Date.now() - pending.startedAt) / 1000) });
    } else if (failed) {
      kind = "failed";
      text = t("st_failed", { what: pending.what });
    } else if (lastOutcome) {
      kind = lastOutcome.kind;
      text = lastOutcome.text;
      time = clockText(lastOutcome.at);
    } else {
      text = t("st_ready");
    }
    line.setAttribute("data-kind", kind);
    setText($("status-text"), text);
    setText($("status-time"), time);
    $("btn-retry").hidden = !failed;
    $("btn-abandon").hidden = !failed;
  }

  // ---------------------------------------------------------------------------------------------------
  // Start
  // ---------------------------------------------------------------------------------------------------

  applyLanguage(lang);

  function tick() {
    setText($("clock"), clockText(new Date()));
    renderHeader();
    if (pending) renderStatus();
  }
  tick();
  setInterval(tick, 500);

  live = window.KioskLive.connect({
    role: "console",
    onState: function (s) { adopt(s); },
    onStatus: function (s) {
      conn = s;
      render();
    },
    onDisplays: function (list) {
      walls = Array.isArray(list) ? list : [];
      renderWalls();
    },
    onRefused: function () {
      // The socket says this device is not an operator: check over HTTP before leaving the page.
      fetch("/api/v1/session", { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.json(); })
        .then(function (s) { if (!s.operator) window.location.replace("/control"); })
        .catch(function () {});
    },
  });
  // The state over HTTP straight away: the console is usable even if the socket takes its time.
  window.KioskLive.fetchState().then(adopt).catch(function () {});
  render();

  // For tests and the AV desk's curiosity: read-only views of what this console believes.
  window.KioskConsole = {
    state: function () { return state; },
    pending: function () { return pending ? { command_id: pending.body.command_id, phase: pending.phase, attempts: pending.attempts } : null; },
    selection: selectionId,
  };
})();
