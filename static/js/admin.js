/*
 * The organisers' admin pages (/admin): the shell every section shares.
 *
 * One page, no framework. This file holds the words (Chinese first, English when event.language is "en"),
 * small DOM helpers, the API client (CSRF header, session loss), toasts, the confirmation dialog, the
 * navigation between sections and the live link (KioskLive, role "console"): every state the server
 * broadcasts reaches every section, so edits made on the console, another laptop or the command line show
 * here at once. Sections live in admin-*.js and register with KioskAdmin.section({...}).
 *
 * Data is always text: everything from the server is drawn with textContent / createElement, never HTML.
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

  var WORDS = {
    zh: {
      admin_name: "活动管理",
      conn_connecting: "连接中…",
      conn_live: "在线",
      conn_reconnecting: "重连中…",
      link_console: "控制台",
      link_display: "大屏",
      sign_out: "退出",
      mode_rehearsal: "彩排",
      mode_live: "正式",
      nav_event: "活动设置",
      nav_projects: "签约项目",
      nav_import: "导入",
      nav_cards: "服务卡（金钥匙）",
      nav_rehearsal: "彩排与正式",
      nav_report: "报告",
      session_lost: "登录已失效，请重新输入 PIN",
      csrf_lost: "页面已过期，正在刷新…",
      offline: "无法连接服务器，请检查网络后重试",
      server_error: "服务器出错（{code}），请重试",
      saved: "已保存",
      cancel: "取消",
      save: "保存",
      revert: "还原",
      copy: "复制",
      copied: "已复制",
      copy_failed: "无法自动复制，请手动选中文字复制",
      add: "添加",
      remove: "移除",
      upload: "上传",
      replace_file: "更换",
      unsaved: "有未保存的修改",
      confirm_ok: "确定",
      status_pending: "待签约",
      status_announced: "已宣布",
      status_signed: "已签约",
      unit_yi: "亿元",
      unit_wan: "万元",
      unit_mu: "亩",
      unit_projects: "个",
      sep: "、",
      // event
      event_lead: "活动名称、日期和大屏外观。保存后大屏立即更新。",
      event_remote: "活动设置已在其他设备上修改。",
      event_reload: "载入最新设置（放弃本页未保存的修改）",
      f_title: "活动名称",
      f_subtitle: "副标题",
      f_date: "日期",
      f_venue: "地点",
      f_host: "主办单位",
      f_language: "屏幕语言",
      f_theme: "大屏主题",
      theme_red: "中国红",
      theme_blue: "科技蓝",
      f_primary: "主色（背景）",
      f_accent: "强调色（文字、金线）",
      color_default: "用主题默认",
      theme_default: "主题默认",
      save_event: "保存设置",
      event_saved: "活动设置已保存，大屏已更新",
      preview: "大屏预览",
      swatch_primary: "主色",
      swatch_accent: "强调色",
      preview_hint: "预览随输入即时变化，保存后大屏才会改变。",
      logo: "徽标",
      background: "背景图",
      no_logo: "未上传徽标",
      no_background: "未上传背景图",
      logo_hint: "PNG（透明背景最佳）/ JPEG / WebP，≤ 5 MB",
      background_hint: "16:9 横图，1920×1080 以上，≤ 5 MB",
      media_uploaded: "{what}已上传",
      media_removed: "{what}已移除",
      media_too_big: "图片不能超过 5 MB",
      media_remove_q: "移除{what}？",
      media_remove_text: "大屏将不再显示它。图片文件仍保留在服务器上，可以随时重新上传。",
      fix_fields: "请修改标红的项目后再保存",
      // projects
      add_project: "添加项目",
      projects_lead: "{count} 个项目 · 计划 {total} · 已签约 {signed} 个",
      projects_live_note: "正式签约进行中：修改会立即显示在大屏上。",
      projects_rehearsal_note: "彩排中：以下状态来自彩排记录；转为正式后所有项目回到“待签约”。修改项目会立即显示在大屏上。",
      col_order: "序号",
      col_project: "项目 / 签约企业",
      col_amount: "投资额",
      col_status: "状态",
      col_actions: "调整顺序 · 操作",
      col_signed_at: "签约时间",
      no_projects: "还没有签约项目。",
      go_import: "从 Excel 导入",
      reorder_hint: "拖动左侧 ⠿ 把手调整签约顺序（平板上用 ↑ ↓ 按钮）。控制台和大屏按此顺序进行。",
      move_up: "上移",
      move_down: "下移",
      drag: "拖动调整顺序",
      edit: "编辑",
      delete: "删除",
      delete_project: "删除此项目",
      delete_signed_reason: "已签约的项目不能删除（请先在控制台撤销签约）",
      delete_q: "删除「{name}」？",
      delete_text: "它将从签约顺序中移除，其服务卡地址随之失效（已打印的服务卡将无法打开）。",
      deleted: "已删除「{name}」",
      reordered: "签约顺序已更新",
      reorder_failed: "顺序未能保存：{message}",
      add_title: "添加签约项目",
      edit_title: "编辑项目 {order}",
      added: "已添加「{name}」",
      updated: "已保存「{name}」",
      on_wall_note: "此项目正在大屏上显示：保存后大屏立即更新。",
      signed_note: "此项目已签约：修改会更新报告与签约名单。",
      project_gone: "此项目已被其他设备删除",
      f_name: "项目名称",
      f_investor: "签约企业",
      f_amount: "投资额",
      f_land: "用地（亩）",
      f_industry: "产业类别",
      f_signatories: "签约代表（用“、”分隔）",
      f_concierge_name: "服务专员",
      f_concierge_phone: "专员电话",
      f_summary: "项目简介",
      concierge: "专员",
      land_short: "{n} 亩",
      // import
      import_title: "从 Excel / CSV 导入",
      import_lead: "先预览，核对无误再导入。文件有任何错误时不会导入任何内容。",
      template: "下载模板 XLSX",
      drop_title: "选择或拖入项目表（.xlsx 或 .csv）",
      drop_hint: "必填列：项目名称、签约企业、投资额（亿元）或投资额（万元）。表头在第 1 行，每行一个项目。",
      choose_file: "选择文件",
      guide_title: "文件格式",
      guide_or: "或",
      guide_1: "红框为必填列；其他列可以没有，表中多出的列（如“备注”）不会导入。",
      guide_2: "金额和用地只填数字（如 52 或 12.5），不要带“亿”“亩”等单位。签约代表之间用“、”分隔。",
      guide_3: "有“序号”时按序号排序，否则按表中顺序。CSV 可用 UTF-8 或 GBK（Excel“另存为 CSV”即可）。",
      guide_4: "导入时可以追加到现有签约顺序之后；尚无项目签约时，也可以替换整个签约顺序。",
      choose_again: "重新选择文件",
      reading: "正在读取 {name}…",
      import_ok: "可以导入：{count} 个项目，计划总投资 {total}",
      import_bad: "发现 {count} 处错误：未导入任何内容。请在 Excel 中修改后重新选择文件。",
      import_bad_file: "文件无法导入：未导入任何内容。",
      ignored_cols: "以下列不会导入：",
      replace_label: "替换现有签约顺序（删除现有 {count} 个项目）",
      replace_label_empty: "替换现有签约顺序",
      append_note: "已有 {signed} 个项目签约：新项目将追加到签约顺序末尾（签约后不能替换整个顺序）。",
      append_default: "不勾选时，新项目追加到现有 {count} 个项目之后。",
      apply_import: "应用导入",
      badge_ready: "待应用",
      badge_ready_title: "预览完成，尚未导入",
      imported: "已导入 {count} 个项目",
      import_cancelled: "已取消，未导入任何内容",
      col_row: "行",
      col_amount_wan: "= 万元",
      col_check: "检查",
      row_ok: "✓",
      replace_q: "替换整个签约顺序？",
      replace_text: "现有 {count} 个项目及其服务卡地址将被删除，由文件中的 {new} 个项目替代。已打印的服务卡将失效。",
      replace_ok: "替换并导入",
      // cards
      cards_lead: "每个项目一张“项目专属服务金钥匙”：扫码即得专员联系方式与服务清单。",
      print_all: "打印全部",
      pdf_all: "下载 PDF",
      card_pick: "请选择一个项目。",
      card_url: "服务卡地址（二维码内容）",
      open_card: "打开服务卡",
      print_card: "打印此卡",
      card_pdf: "PDF",
      qr_png: "二维码 PNG",
      rotate: "更换地址（旧卡作废）…",
      rotate_q: "更换「{name}」的服务卡地址？",
      rotate_text: "旧地址立即失效：已打印或已发出的这张服务卡和二维码将无法再打开。更换后必须重新打印此卡。",
      rotate_ok: "更换地址（旧卡作废）",
      rotated: "已更换地址：请重新打印「{name}」的服务卡",
      c_name: "服务专员",
      c_title: "职务",
      c_phone: "电话",
      c_email: "电子邮箱",
      c_wechat: "微信号",
      c_services: "服务清单",
      services_default: "使用默认清单",
      services_placeholder: "输入一项服务，按回车添加",
      services_full: "最多 12 项",
      c_notes: "备注（显示在服务卡上）",
      save_card: "保存服务卡",
      card_saved: "服务卡已保存",
      no_contact: "未指定专员",
      card_dirty_switch: "「{name}」的服务卡有未保存的修改。放弃修改？",
      discard: "放弃修改",
      keep_editing: "继续编辑",
      // rehearsal
      run_lead: "彩排前一天晚上走一遍流程；正式开始前转为正式，从空白记录开始。旧记录都会存档，不会删除。",
      run_current: "当前模式",
      run_since: "开始于 {when} · {entries} 条记录 · 已签约 {signed} 个",
      run_explain_rehearsal: "<b>彩排中。</b>控制台和大屏照常工作，可以随意宣布、签约、撤销。彩排记录单独存档，不计入正式报告。",
      run_explain_rehearsal_2: "彩排结束后，按「转为正式」从空白记录开始：所有项目回到待签约，大屏回到标题。",
      run_explain_live: "<b>正式记录。</b>控制台的每一次操作都记入正式报告与审计日志。",
      run_explain_live_2: "正式记录已有操作时，重置或开始彩排需要输入“重置”确认；旧记录会存档。",
      start_rehearsal: "开始彩排",
      reset_rehearsal: "重置彩排",
      start_rehearsal_sub: "清空记录，大屏回到标题；彩排不计入正式报告",
      go_live: "转为正式（从空白记录开始）",
      restart_live: "重新开始正式记录",
      go_live_sub: "大屏回到标题，所有项目回到待签约",
      runs_archive: "记录存档",
      run_no: "#",
      run_mode: "模式",
      run_start: "开始",
      run_end: "结束",
      run_entries: "记录条数",
      run_signed: "签约项目",
      run_ongoing: "进行中（当前）",
      run_q_rehearsal: "开始新的彩排？",
      run_q_reset_rehearsal: "重置彩排？",
      run_q_live: "转为正式？",
      run_q_restart_live: "重新开始正式记录？",
      run_text_common: "大屏立即回到标题画面，所有项目回到“待签约”，控制台从第一个项目开始。当前记录会存档。",
      run_text_live: "此后控制台的每一次操作都计入正式报告。",
      run_confirm_required: "正式记录已有操作（已签约 {signed} 个项目）",
      run_type_text: "这是正式签约的记录。重置会把它归档，大屏和报告从空白开始。此操作不能撤销。",
      run_type_label: "请输入“{word}”以确认",
      run_type_word: "重置",
      run_type_ok: "归档并重置",
      run_started_rehearsal: "彩排已开始：大屏回到标题",
      run_started_live: "已转为正式：从空白记录开始",
      // report
      report_title: "签约报告",
      report_lead: "与现场实时同步 · 更新于 {time}",
      report_rehearsal: "当前是彩排记录：以下数字来自彩排，不是正式签约结果。",
      fig_total: "签约总额",
      fig_total_sub: "计划 {planned}",
      fig_signed: "已签约项目",
      fig_signed_of: "/ {count} 个",
      fig_land: "总用地",
      fig_tiers: "投资分档",
      fig_none: "尚无签约",
      chart_industries: "分产业签约投资额",
      chart_tiers: "按投资额分档",
      industry_count: "{n} 个项目",
      press_title: "新闻通稿",
      press_zh: "新闻通稿 · 中文",
      press_en: "新闻通稿 · English",
      report_projects: "项目明细",
      audit_title: "操作记录（本次记录）",
      audit_count: "{n} 条",
      audit_empty: "本次记录还没有操作。",
      a_time: "时间",
      a_device: "设备",
      a_action: "指令",
      a_project: "项目",
      a_outcome: "结果",
      act_announce: "宣布",
      act_confirm: "确认签约",
      act_undo: "撤销签约",
      act_show: "切换画面",
      screen_title: "标题",
      screen_spotlight: "聚焦",
      screen_roll: "签约名单",
      screen_finale: "总结",
      screen_blank: "黑屏",
      out_ok: "成功",
      out_already_signed: "已签约（未重复）",
      out_seq_conflict: "画面已更新，未执行",
      out_nothing_to_undo: "没有可撤销的签约",
      out_unknown_project: "项目不存在",
      out_missing_project: "缺少项目",
      out_unknown_screen: "画面不存在",
      out_other: "被拒绝（{code}）",
      // account
      sign_out_q: "退出登录",
      sign_out_explain: "退出后需要重新输入 PIN。大屏不受影响。",
      sign_out_me: "退出本机",
      sign_out_me_sub: "只退出这台设备",
      sign_out_all: "退出所有设备",
      sign_out_all_sub: "平板丢失或 PIN 泄露时使用：所有控制台和管理页都需重新登录",
      sign_out_all_q: "让所有设备退出登录？",
      sign_out_all_text: "所有控制台平板和管理页（包括本机）都将立即退出，需要重新输入 PIN。仪式进行中请先确认控制台旁有人能重新登录。大屏不受影响。",
      sign_out_all_ok: "全部退出",
      signed_out: "已退出",
    },
    en: {
      admin_name: "Event admin",
      conn_connecting: "Connecting…",
      conn_live: "Online",
      conn_reconnecting: "Reconnecting…",
      link_console: "Console",
      link_display: "Big screen",
      sign_out: "Sign out",
      mode_rehearsal: "REHEARSAL",
      mode_live: "LIVE",
      nav_event: "Event",
      nav_projects: "Projects",
      nav_import: "Import",
      nav_cards: "Golden key cards",
      nav_rehearsal: "Rehearsal & live",
      nav_report: "Report",
      session_lost: "Session expired: enter the PIN again",
      csrf_lost: "This page is out of date, reloading…",
      offline: "Cannot reach the server: check the network and try again",
      server_error: "Server error ({code}), please try again",
      saved: "Saved",
      cancel: "Cancel",
      save: "Save",
      revert: "Revert",
      copy: "Copy",
      copied: "Copied",
      copy_failed: "Could not copy: select the text and copy it by hand",
      add: "Add",
      remove: "Remove",
      upload: "Upload",
      replace_file: "Replace",
      unsaved: "Unsaved changes",
      confirm_ok: "OK",
      status_pending: "Waiting",
      status_announced: "Announced",
      status_signed: "Signed",
      unit_yi: "×100m yuan",
      unit_wan: "×10k yuan",
      unit_mu: "mu",
      unit_projects: "",
      sep: ", ",
      event_lead: "The event's name, date and the look of the big screen. Saving updates the big screen at once.",
      event_remote: "The event settings were changed on another device.",
      event_reload: "Load them (discard the changes on this page)",
      f_title: "Event title",
      f_subtitle: "Subtitle",
      f_date: "Date",
      f_venue: "Venue",
      f_host: "Host",
      f_language: "Screen language",
      f_theme: "Big screen theme",
      theme_red: "Red",
      theme_blue: "Blue",
      f_primary: "Primary colour (background)",
      f_accent: "Accent colour (text, gold lines)",
      color_default: "Theme default",
      theme_default: "theme default",
      save_event: "Save settings",
      event_saved: "Event settings saved; the big screen is updated",
      preview: "Big screen preview",
      swatch_primary: "Primary",
      swatch_accent: "Accent",
      preview_hint: "The preview follows your typing; the big screen changes only when you save.",
      logo: "Logo",
      background: "Background",
      no_logo: "No logo",
      no_background: "No background",
      logo_hint: "PNG (transparent is best) / JPEG / WebP, ≤ 5 MB",
      background_hint: "16:9 landscape, 1920×1080 or larger, ≤ 5 MB",
      media_uploaded: "{what} uploaded",
      media_removed: "{what} removed",
      media_too_big: "The picture must be 5 MB or less",
      media_remove_q: "Remove the {what}?",
      media_remove_text: "The big screen will no longer show it. The file stays on the server; you can upload it again at any time.",
      fix_fields: "Please correct the fields marked in red",
      add_project: "Add project",
      projects_lead: "{count} projects · planned {total} · {signed} signed",
      projects_live_note: "The live ceremony is running: changes show on the big screen at once.",
      projects_rehearsal_note: "Rehearsing: these statuses come from the rehearsal; going live puts every project back to waiting. Edits show on the big screen at once.",
      col_order: "No.",
      col_project: "Project / investor",
      col_amount: "Investment",
      col_status: "Status",
      col_actions: "Order · actions",
      col_signed_at: "Signed at",
      no_projects: "No projects yet.",
      go_import: "Import from Excel",
      reorder_hint: "Drag the ⠿ handle to change the running order (on a tablet, use ↑ ↓). The console and the big screen follow this order.",
      move_up: "Move up",
      move_down: "Move down",
      drag: "Drag to reorder",
      edit: "Edit",
      delete: "Delete",
      delete_project: "Delete this project",
      delete_signed_reason: "A signed project cannot be deleted (undo the signing on the console first)",
      delete_q: "Delete “{name}”?",
      delete_text: "It leaves the running order and its card address stops working (printed cards will not open).",
      deleted: "Deleted “{name}”",
      reordered: "Running order saved",
      reorder_failed: "The order was not saved: {message}",
      add_title: "Add a project",
      edit_title: "Edit project {order}",
      added: "Added “{name}”",
      updated: "Saved “{name}”",
      on_wall_note: "This project is on the big screen: saving updates it at once.",
      signed_note: "This project is signed: changes update the report and the roll.",
      project_gone: "This project was deleted on another device",
      f_name: "Project name",
      f_investor: "Investor",
      f_amount: "Investment",
      f_land: "Land (mu)",
      f_industry: "Industry",
      f_signatories: "Signatories (separate with 、)",
      f_concierge_name: "Concierge",
      f_concierge_phone: "Concierge phone",
      f_summary: "Summary",
      concierge: "Concierge",
      land_short: "{n} mu",
      import_title: "Import from Excel / CSV",
      import_lead: "Preview first, then import. If anything in the file is wrong, nothing is imported.",
      template: "Download XLSX template",
      drop_title: "Choose or drop the project sheet (.xlsx or .csv)",
      drop_hint: "Required columns: 项目名称, 签约企业, and 投资额（亿元） or 投资额（万元）. Headers on row 1, one project per row.",
      choose_file: "Choose file",
      guide_title: "File format",
      guide_or: "or",
      guide_1: "Columns framed in red are required; the others may be missing, and extra columns (such as 备注) are not imported.",
      guide_2: "Amounts and land are plain numbers (52 or 12.5), without units such as 亿 or 亩. Separate signatories with 、.",
      guide_3: "With a 序号 column the rows are sorted by it, else kept in file order. CSV may be UTF-8 or GBK (Excel's “Save as CSV”).",
      guide_4: "An import is added after the current running order; while nothing is signed it may replace the whole order instead.",
      choose_again: "Choose another file",
      reading: "Reading {name}…",
      import_ok: "Ready to import: {count} projects, {total} planned",
      import_bad: "{count} problems found: nothing was imported. Fix them in Excel and choose the file again.",
      import_bad_file: "This file cannot be imported: nothing was imported.",
      ignored_cols: "These columns are not imported: ",
      replace_label: "Replace the running order (deletes the {count} current projects)",
      replace_label_empty: "Replace the running order",
      append_note: "{signed} projects are signed: the new projects are added at the end (the whole order cannot be replaced once anything is signed).",
      append_default: "Unticked, the new projects are added after the {count} current ones.",
      apply_import: "Import",
      badge_ready: "ready",
      badge_ready_title: "Previewed, not imported yet",
      imported: "{count} projects imported",
      import_cancelled: "Cancelled: nothing was imported",
      col_row: "Row",
      col_amount_wan: "= 万元",
      col_check: "Check",
      row_ok: "✓",
      replace_q: "Replace the whole running order?",
      replace_text: "The {count} current projects and their card addresses are deleted and replaced by the {new} projects of the file. Printed cards stop working.",
      replace_ok: "Replace and import",
      cards_lead: "One “golden key” per project: guests scan it for their concierge and the services they get.",
      print_all: "Print all",
      pdf_all: "Download PDF",
      card_pick: "Choose a project.",
      card_url: "Card address (what the QR code holds)",
      open_card: "Open card",
      print_card: "Print this card",
      card_pdf: "PDF",
      qr_png: "QR PNG",
      rotate: "New address (old card stops working)…",
      rotate_q: "Give “{name}” a new card address?",
      rotate_text: "The old address stops working at once: this card and its QR code, printed or sent, will no longer open. You must print the card again.",
      rotate_ok: "New address (old card stops working)",
      rotated: "New address: print the card of “{name}” again",
      c_name: "Concierge",
      c_title: "Title",
      c_phone: "Phone",
      c_email: "E-mail",
      c_wechat: "WeChat",
      c_services: "Services",
      services_default: "Use the default list",
      services_placeholder: "Type a service, press Enter",
      services_full: "At most 12",
      c_notes: "Notes (shown on the card)",
      save_card: "Save card",
      card_saved: "Card saved",
      no_contact: "No concierge yet",
      card_dirty_switch: "The card of “{name}” has unsaved changes. Discard them?",
      discard: "Discard",
      keep_editing: "Keep editing",
      run_lead: "Rehearse on the eve; before the ceremony go live, starting from an empty record. Old records are archived, never deleted.",
      run_current: "Current mode",
      run_since: "Since {when} · {entries} entries · {signed} signed",
      run_explain_rehearsal: "<b>Rehearsing.</b> The console and the big screen work as on the day: announce, sign and undo freely. The rehearsal is archived on its own and never counts in the report of the day.",
      run_explain_rehearsal_2: "After the rehearsal, “Go live” starts from an empty record: every project back to waiting, the big screen back to the title.",
      run_explain_live: "<b>Live record.</b> Every press on the console goes into the official report and audit log.",
      run_explain_live_2: "Once the live record has commands, resetting it or starting a rehearsal asks you to type “RESET”; the old record is archived.",
      start_rehearsal: "Start a rehearsal",
      reset_rehearsal: "Reset the rehearsal",
      start_rehearsal_sub: "Clears the record, the big screen goes back to the title; a rehearsal never counts",
      go_live: "Go live (from an empty record)",
      restart_live: "Restart the live record",
      go_live_sub: "The big screen goes back to the title, every project back to waiting",
      runs_archive: "Archive",
      run_no: "#",
      run_mode: "Mode",
      run_start: "Started",
      run_end: "Ended",
      run_entries: "Entries",
      run_signed: "Signed",
      run_ongoing: "running (current)",
      run_q_rehearsal: "Start a new rehearsal?",
      run_q_reset_rehearsal: "Reset the rehearsal?",
      run_q_live: "Go live?",
      run_q_restart_live: "Restart the live record?",
      run_text_common: "The big screen goes back to the title at once, every project is waiting again and the console starts from the first one. The current record is archived.",
      run_text_live: "From then on every press on the console counts in the official report.",
      run_confirm_required: "The live record has commands ({signed} projects signed)",
      run_type_text: "This is the record of the real ceremony. Resetting archives it; the big screen and the report start from nothing. This cannot be undone.",
      run_type_label: "Type “{word}” to confirm",
      run_type_word: "RESET",
      run_type_ok: "Archive and reset",
      run_started_rehearsal: "Rehearsal started: the big screen is back at the title",
      run_started_live: "Live: starting from an empty record",
      report_title: "Report",
      report_lead: "Follows the ceremony live · updated {time}",
      report_rehearsal: "This is a rehearsal record: these figures come from the rehearsal, not the ceremony.",
      fig_total: "Total signed",
      fig_total_sub: "planned {planned}",
      fig_signed: "Projects signed",
      fig_signed_of: "/ {count}",
      fig_land: "Land",
      fig_tiers: "By size",
      fig_none: "nothing signed yet",
      chart_industries: "Investment by industry",
      chart_tiers: "Projects by size",
      industry_count: "{n} projects",
      press_title: "Press summary",
      press_zh: "Press summary · 中文",
      press_en: "Press summary · English",
      report_projects: "Projects",
      audit_title: "Commands (this record)",
      audit_count: "{n} entries",
      audit_empty: "No commands in this record yet.",
      a_time: "Time",
      a_device: "Device",
      a_action: "Command",
      a_project: "Project",
      a_outcome: "Outcome",
      act_announce: "Announce",
      act_confirm: "Sign",
      act_undo: "Undo signing",
      act_show: "Switch screen",
      screen_title: "title",
      screen_spotlight: "spotlight",
      screen_roll: "roll",
      screen_finale: "finale",
      screen_blank: "blank",
      out_ok: "done",
      out_already_signed: "already signed (not repeated)",
      out_seq_conflict: "screen had changed, not done",
      out_nothing_to_undo: "nothing to undo",
      out_unknown_project: "no such project",
      out_missing_project: "no project given",
      out_unknown_screen: "no such screen",
      out_other: "refused ({code})",
      sign_out_q: "Sign out",
      sign_out_explain: "You will need the PIN again. The big screen is not affected.",
      sign_out_me: "Sign out this device",
      sign_out_me_sub: "Only this device",
      sign_out_all: "Sign out every device",
      sign_out_all_sub: "A tablet went missing or the PIN leaked: every console and admin page must log in again",
      sign_out_all_q: "Sign out every device?",
      sign_out_all_text: "Every console tablet and admin page (this one too) is signed out at once and needs the PIN again. During the ceremony, make sure someone at the console can log in again. The big screen is not affected.",
      sign_out_all_ok: "Sign out everywhere",
      signed_out: "Signed out",
    },
  };

  var lang = document.documentElement.getAttribute("data-lang") === "en" ? "en" : "zh";

  function t(key, params) {
    var text = (WORDS[lang] && WORDS[lang][key]);
    if (text === undefined) text = WORDS.zh[key];
    if (text === undefined) text = key;
    if (params) {
      Object.keys(params).forEach(function (k) { text = text.split("{" + k + "}").join(String(params[k])); });
    }
    return text;
  }

  // ---------------------------------------------------------------------------------------------------
  // DOM helpers
  // ---------------------------------------------------------------------------------------------------





  /**
   * A translated sentence that holds a little markup of our own (<b>…</b>), built as nodes: the words are
   * ours, but nothing goes through innerHTML anyway.
   */
  function richText(node, text) {
    clear(node);
    var parts = String(text).split(/(<b>.*?<\/b>)/);
    parts.forEach(function (part) {
      var m = /^<b>(.*)<\/b>$/.exec(part);
      if (m) node.appendChild(el("b", null, m[1]));
      else if (part) node.appendChild(document.createTextNode(part));
    });
  }


  /** "2021-06-21T10:32:05+08:00" -> "2021-06-21 10:32:05", as written (the venue's wall clock). */
  function when(iso, withDate) {
    var m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?/.exec(iso || "");
    if (!m) return iso || "";
    var time = m[4] + ":" + m[5] + ":" + (m[6] || "00");
    return withDate === false ? time : m[1] + "-" + m[2] + "-" + m[3] + " " + time;
  }


  /** Money as the organisers read it: the exact 亿元 string (the server's), with the unit in words. */
  function money(yiText, wan) {
    if (yiText === undefined || yiText === null) yiText = shifted(wan || 0, 4);
    return yiText + (lang === "en" ? " " : " ") + t("unit_yi");
  }

  function statusLabel(status) {
    return t("status_" + (status || "pending"));
  }

  function chip(status) {
    return el("span", "chip is-" + (status || "pending"), statusLabel(status));
  }

  // ---------------------------------------------------------------------------------------------------
  // Talking to the server
  // ---------------------------------------------------------------------------------------------------

  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var leaving = false;

  function sessionLost() {
    if (leaving) return;
    leaving = true;
    toast(t("session_lost"), "error", 4000);
    setTimeout(function () { window.location.replace("/admin" + window.location.hash); }, 1200);
  }

  /**
   * fetch with the CSRF header. Resolves to {status, data} (data: parsed JSON or null), also for errors;
   * status 0 when the server could not be reached. A lost session goes back to the PIN pad.
   */
  function request(method, url, body, options) {
    options = options || {};
    var headers = { "X-CSRF-Token": csrf };
    var payload = body;
    if (body !== undefined && body !== null && !(body instanceof FormData)) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, options.timeout || 30000);
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      cache: "no-store",
      headers: headers,
      body: payload,
      signal: controller.signal,
    })
      .then(function (r) {
        return r.text().then(function (text) {
          clearTimeout(timer);
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
          if (r.status === 401) sessionLost();
          if (r.status === 403 && data && data.reason === "csrf") {
            toast(t("csrf_lost"), "error", 4000);
            setTimeout(function () { window.location.reload(); }, 1200);
          }
          return { status: r.status, data: data };
        });
      })
      .catch(function () {
        clearTimeout(timer);
        return { status: 0, data: null };
      });
  }

  function get(url) { return request("GET", url); }
  function send(method, url, body) { return request(method, url, body); }

  function upload(url, file) {
    var form = new FormData();
    form.append("file", file, file.name);
    return request("POST", url, form, { timeout: 120000 });
  }

  /** The server's own words for a failed request, or ours when it said nothing useful. */
  function errorMessage(res) {
    if (res.status === 0) return t("offline");
    if (res.data && res.data.message) return res.data.message;
    return t("server_error", { code: res.status });
  }

  // ---------------------------------------------------------------------------------------------------
  // Per-field errors
  // ---------------------------------------------------------------------------------------------------

  function clearErrors(root) {
    Array.prototype.forEach.call(root.querySelectorAll(".field.is-invalid"), function (f) {
      f.classList.remove("is-invalid");
    });
    Array.prototype.forEach.call(root.querySelectorAll(".field-error"), function (e) { setText(e, ""); });
  }

  /**
   * Show each {field, reason} next to its field (``[data-field=...]`` inside root; ``aliases`` maps a server
   * field to another data-field). Returns the errors that have no field on the page.
   */
  function showErrors(root, errors, aliases) {
    var left = [];
    var first = null;
    (errors || []).forEach(function (e) {
      var key = (aliases && aliases[e.field]) || e.field;
      var field = root.querySelector('[data-field="' + key + '"]');
      if (!field) {
        left.push(e);
        return;
      }
      field.classList.add("is-invalid");
      var box = field.querySelector(".field-error");
      if (box) setText(box, box.textContent ? box.textContent + "；" + e.reason : e.reason);
      if (!first) first = field;
    });
    if (first) {
      var input = first.querySelector("input:not([type=radio]):not([type=color]), textarea, select");
      if (input) input.focus();
      first.scrollIntoView({ block: "nearest" });
    }
    return left;
  }

  // ---------------------------------------------------------------------------------------------------
  // Toasts and the confirmation dialog
  // ---------------------------------------------------------------------------------------------------

  function toast(text, kind, ms) {
    var box = $("toasts");
    var node = el("div", "toast is-" + (kind || "info"), text);
    node.setAttribute("role", kind === "error" ? "alert" : "status");
    box.appendChild(node);
    while (box.children.length > 3) box.removeChild(box.firstChild);
    setTimeout(function () {
      node.classList.add("is-leaving");
      setTimeout(function () { if (node.parentNode) node.parentNode.removeChild(node); }, 300);
    }, ms || 3000);
  }

  /**
   * Ask before something that cannot be taken back. options: title, text (string or array of paragraphs;
   * {warn: text} for a red one), ok, cancel, danger (bool), typeWord (the user must type it first).
   * Resolves true only for an explicit yes.
   */
  function confirmDialog(options) {
    var dialog = $("confirm-dialog");
    var okBtn = $("confirm-ok");
    var typeWrap = $("confirm-type-wrap");
    var typeInput = $("confirm-type");
    setText($("confirm-title"), options.title || "");
    var textBox = $("confirm-text");
    clear(textBox);
    [].concat(options.text || []).forEach(function (p) {
      if (p && typeof p === "object") textBox.appendChild(el("p", "warn", p.warn));
      else if (p) textBox.appendChild(el("p", null, p));
    });
    setText(okBtn, options.ok || t("confirm_ok"));
    setText($("confirm-cancel"), options.cancel || t("cancel"));
    okBtn.className = "btn " + (options.danger ? "danger-solid" : "primary");
    typeWrap.hidden = !options.typeWord;
    typeInput.value = "";
    if (options.typeWord) {
      setText($("confirm-type-label"), t("run_type_label", { word: options.typeWord }));
    }
    function sync() {
      okBtn.disabled = !!options.typeWord && typeInput.value.trim() !== options.typeWord;
    }
    sync();
    typeInput.oninput = sync;
    return new Promise(function (resolve) {
      function done() {
        dialog.removeEventListener("close", done);
        typeInput.oninput = null;
        var yes = dialog.returnValue === "ok" &&
          (!options.typeWord || typeInput.value.trim() === options.typeWord);
        resolve(yes);
      }
      dialog.addEventListener("close", done);
      dialog.returnValue = "cancel";
      dialog.showModal();
      if (options.typeWord) typeInput.focus();
      else $("confirm-cancel").focus();
    });
  }

  function copyText(text, button) {
    function ok() {
      toast(t("copied"), "ok", 1500);
      if (button) {
        var label = button.textContent;
        button.textContent = t("copied");
        setTimeout(function () { button.textContent = label; }, 1500);
      }
    }
    function fallback() {
      var area = el("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
      document.body.removeChild(area);
      if (done) ok();
      else toast(t("copy_failed"), "warn", 4000);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(ok, fallback);
    } else {
      fallback();
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Sections and navigation
  // ---------------------------------------------------------------------------------------------------

  var sections = {};
  var order = [];
  var current = null;
  var state = null;
  var live = null;

  function section(spec) {
    sections[spec.id] = spec;
    order.push(spec.id);
  }

  function show(id) {
    if (!sections[id]) id = "event";
    current = id;
    Array.prototype.forEach.call(document.querySelectorAll("section.section"), function (s) {
      s.hidden = s.getAttribute("data-section") !== id;
    });
    Array.prototype.forEach.call(document.querySelectorAll(".nav-item"), function (a) {
      var on = a.getAttribute("data-section") === id;
      a.classList.toggle("is-active", on);
      if (on) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
    $("content").scrollTop = 0;
    if (sections[id].show) sections[id].show(state);
  }

  function fromHash() {
    var id = (window.location.hash || "").replace(/^#/, "");
    show(sections[id] ? id : "event");
  }

  window.addEventListener("hashchange", fromHash);

  function go(id) {
    if (window.location.hash === "#" + id) show(id);
    else window.location.hash = id;
  }

  function isShown(id) { return current === id; }

  // ---------------------------------------------------------------------------------------------------
  // Language
  // ---------------------------------------------------------------------------------------------------

  function applyLanguage(next, force) {
    next = next === "en" ? "en" : "zh";
    if (next === lang && !force) return false;
    lang = next;
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
    document.documentElement.setAttribute("data-lang", lang);
    Array.prototype.forEach.call(document.querySelectorAll("[data-t]"), function (node) {
      node.textContent = t(node.getAttribute("data-t"));
    });
    return true;
  }

  // ---------------------------------------------------------------------------------------------------
  // Header
  // ---------------------------------------------------------------------------------------------------

  function renderHeader(s) {
    var e = s.event || {};
    setText($("event-title"), e.title || "");
    setText($("event-date"), e.date ? " · " + e.date : "");
    document.title = t("admin_name") + " · " + (e.title || "");
    document.body.setAttribute("data-mode", s.mode || "live");
    setText($("mode-badge"), s.mode === "rehearsal" ? t("mode_rehearsal") : t("mode_live"));
    setText($("badge-projects"), String(s.project_count));
    setText($("badge-report"), s.signed_count + "/" + s.project_count);
    var badge = $("badge-rehearsal");
    setText(badge, s.mode === "rehearsal" ? t("mode_rehearsal") : "");
    badge.className = "nav-badge" + (s.mode === "rehearsal" ? " is-warn" : "");
  }

  function setConn(status) {
    document.body.setAttribute("data-conn", status);
    var key = status === "live" ? "conn_live" : status === "reconnecting" ? "conn_reconnecting" : "conn_connecting";
    var label = $("conn-label");
    label.setAttribute("data-t", key);
    setText(label, t(key));
    $("conn").title = t(key);
  }

  // ---------------------------------------------------------------------------------------------------
  // Sign out
  // ---------------------------------------------------------------------------------------------------

  $("account-btn").addEventListener("click", function () {
    var dialog = $("account-dialog");
    dialog.returnValue = "cancel";
    dialog.showModal();
  });

  $("account-dialog").addEventListener("close", function () {
    var choice = $("account-dialog").returnValue;
    if (choice === "me") {
      leaving = true;
      request("DELETE", "/api/v1/session").then(function () { window.location.replace("/admin"); });
    } else if (choice === "all") {
      confirmDialog({
        title: t("sign_out_all_q"),
        text: [t("sign_out_all_text")],
        ok: t("sign_out_all_ok"),
        danger: true,
      }).then(function (yes) {
        if (!yes) return;
        leaving = true;
        request("POST", "/api/v1/session/sign-out-all").then(function (res) {
          if (res.status === 200) {
            toast(t("signed_out"), "ok", 1500);
            setTimeout(function () { window.location.replace("/admin"); }, 600);
          } else {
            leaving = false;
            toast(errorMessage(res), "error", 5000);
          }
        });
      });
    }
  });

  // ---------------------------------------------------------------------------------------------------
  // Start
  // ---------------------------------------------------------------------------------------------------

  function onState(next, previous) {
    // A write's answer may have been adopted ahead of its broadcast: never step back to an older picture.
    if (state && next.log_id === state.log_id && next.seq < state.seq) return;
    previous = state;
    state = next;
    var relabel = applyLanguage(next.event && next.event.language);
    renderHeader(next);
    order.forEach(function (id) {
      var s = sections[id];
      if (relabel && s.language) s.language(next);
      if (s.state) s.state(next, previous);
    });
  }

  function start() {
    applyLanguage(lang, true);
    setConn("connecting");
    order.forEach(function (id) { if (sections[id].init) sections[id].init(); });
    fromHash();
    live = window.KioskLive.connect({
      role: "console",
      onState: onState,
      onStatus: setConn,
      onRefused: function () {
        // The socket was refused for want of a session: ask the server, go to the PIN pad if so.
        get("/api/v1/session").then(function (res) {
          if (res.status === 200 && res.data && res.data.operator === false) sessionLost();
        });
      },
    });
  }

  window.KioskAdmin = {
    t: t,
    lang: function () { return lang; },
    $: $,
    el: el,
    setText: setText,
    clear: clear,
    richText: richText,
    when: when,
    shifted: shifted,
    money: money,
    statusLabel: statusLabel,
    chip: chip,
    get: get,
    send: send,
    upload: upload,
    errorMessage: errorMessage,
    clearErrors: clearErrors,
    showErrors: showErrors,
    toast: toast,
    confirm: confirmDialog,
    copyText: copyText,
    section: section,
    go: go,
    isShown: isShown,
    state: function () { return state; },
    refresh: function () { if (live) live.refresh(); },
    /** Adopt a state a write returned, ahead of its broadcast (the broadcast then changes nothing). */
    adopt: function (s) {
      if (!s || typeof s.seq !== "number") return;
      if (state && s.log_id === state.log_id && s.seq <= state.seq) return;
      onState(s, state);
    },
  };

  document.addEventListener("DOMContentLoaded", start);
})();
