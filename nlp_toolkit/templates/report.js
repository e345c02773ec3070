/* The review page's script (nlp_toolkit.report): filters, search, keyboard navigation, and the reviewer's
   decisions, kept in local storage and downloaded as decisions.json (nlp_toolkit.decisions reads it).
   It reads the page and never writes markup: the only text it sets goes through textContent, and it reads
   the keys and positions of units from data- attributes the renderer escaped. */
(function () {
  "use strict";
  var FORMAT = "nlp_toolkit.decisions", VERSION = 1, KINDS = ["units", "warnings", "verdicts"];
  var STORE = "nlp_toolkit.decisions:" + (document.body.getAttribute("data-page") || "");
  function $(id) { return document.getElementById(id); }
  function all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  var rows = all("tr.pair"), index = all("li.wi"), sections = all("tr.section-row");
  var texts = rows.map(function (r) {
    return all("td.en > bdi, td.zh > bdi", r).map(function (td) { return td.textContent; }).join(" ").toLowerCase();
  });
  var state = empty(), current = null;

  function empty() { return {units: {}, warnings: {}, verdicts: {}}; }

  function merge(data) {
    KINDS.forEach(function (kind) {
      var src = data && data[kind];
      if (!src || typeof src !== "object") return;
      Object.keys(src).forEach(function (key) {
        if (src[key] && typeof src[key] === "object") state[kind][key] = src[key];
      });
    });
  }

  function load() {
    try { merge(JSON.parse(window.localStorage.getItem(STORE) || "null")); } catch (e) { /* no storage */ }
  }

  function save() {
    try { window.localStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private window */ }
    show();
  }

  function docOf(el) {
    var row = el.closest("tr.pair"), article = el.closest("article");
    var rec = {doc_id: article ? article.getAttribute("data-doc-id") : null};
    if (row) rec.index = Number(row.getAttribute("data-index"));
    return rec;
  }

  function keep(kind, key, rec) {
    if (!rec.decision && !rec.note && !rec.winner && !rec.tie && !rec.shared) delete state[kind][key];
    else state[kind][key] = rec;
    save();
  }

  // -- decisions ---------------------------------------------------------------------------------------------
  function setUnit(row, decision) {
    var key = row.getAttribute("data-key"), rec = state.units[key] || {decision: null, note: ""};
    rec.decision = rec.decision === decision ? null : decision;  // pressed again: undecided
    rec.doc_id = docOf(row).doc_id;
    rec.index = Number(row.getAttribute("data-index"));
    keep("units", key, rec);
  }

  function noteUnit(input) {
    var row = input.closest("tr.pair"), key = row.getAttribute("data-key");
    var rec = state.units[key] || {decision: null, doc_id: docOf(row).doc_id,
                                    index: Number(row.getAttribute("data-index"))};
    rec.note = input.value;
    keep("units", key, rec);
  }

  function setWarning(li, decision) {
    var key = li.getAttribute("data-wkey"), rec = state.warnings[key] || {decision: null, note: ""};
    var where = docOf(li);
    rec.decision = rec.decision === decision ? null : decision;
    rec.code = li.getAttribute("data-code");
    rec.unit = li.getAttribute("data-unit") || null;
    rec.doc_id = where.doc_id;
    if (where.index !== undefined) rec.index = where.index;
    keep("warnings", key, rec);
  }

  function setVerdict(cell) {
    var select = cell.querySelector("select.verdict"), note = cell.querySelector("input.vnote");
    var key = select.getAttribute("data-vkey"), v = select.value;
    if (!v) { delete state.verdicts[key]; save(); return; }  // "as read": no correction
    keep("verdicts", key, {winner: v.indexOf("winner:") === 0 ? v.slice(7) : null, tie: v === "tie",
                           shared: v === "shared", note: note.value, doc_id: docOf(cell).doc_id,
                           section: Number(select.getAttribute("data-section"))});
  }

  function press(buttons, value) {
    buttons.forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-set") === value ||
                                            b.getAttribute("data-wset") === value));
    });
  }

  function show() {
    var n = 0, rejected = 0;
    rows.forEach(function (row) {
      var rec = state.units[row.getAttribute("data-key")] || {}, d = rec.decision || "";
      row.classList.toggle("dec-accepted", d === "accepted");
      row.classList.toggle("dec-rejected", d === "rejected");
      press(all("button[data-set]", row), d);
      row.querySelector(".udec .state").textContent = d;
      var note = row.querySelector("input.note");
      if (note !== document.activeElement) note.value = rec.note || "";
    });
    all("li.warning[data-wkey]").forEach(function (li) {
      var d = (state.warnings[li.getAttribute("data-wkey")] || {}).decision || "";
      li.classList.toggle("dec-confirmed", d === "confirmed");
      li.classList.toggle("dec-dismissed", d === "dismissed");
      press(all("button[data-wset]", li), d);
    });
    all("select.verdict").forEach(function (select) {
      var rec = state.verdicts[select.getAttribute("data-vkey")], note = select.parentNode.querySelector(".vnote");
      select.value = !rec ? "" : rec.tie ? "tie" : rec.shared ? "shared" : "winner:" + rec.winner;
      if (select.selectedIndex < 0) select.value = "";
      if (note !== document.activeElement) note.value = (rec && rec.note) || "";
    });
    KINDS.forEach(function (kind) { n += Object.keys(state[kind]).length; });
    Object.keys(state.units).forEach(function (k) { rejected += state.units[k].decision === "rejected"; });
    $("d-count").textContent = n + " decision(s), " + rejected + " unit(s) rejected";
    filter();
  }

  // -- filters and search ------------------------------------------------------------------------------------
  function filter() {
    var q = $("f-search").value.trim().toLowerCase(), kind = $("f-kind").value, sev = $("f-severity").value;
    var flagged = $("f-flagged").checked, unaligned = $("f-unaligned").checked, low = $("f-low").checked;
    var threshold = parseFloat($("f-score").value), section = $("f-section").value, decision = $("f-decision").value;
    var shown = 0;
    function matches(code, severity) { return (!kind || code === kind) && (!sev || severity === sev); }
    rows.forEach(function (row, i) {
      var ok = true;
      if (kind || sev) {
        ok = (row.getAttribute("data-warn") || "").split(" ").some(function (w) {
          var cut = w.lastIndexOf(":");
          return cut > 0 && matches(w.slice(0, cut), w.slice(cut + 1));
        });
      }
      ok = ok && (!flagged || row.classList.contains("flagged"));
      ok = ok && (!unaligned || row.classList.contains("unaligned"));
      ok = ok && (!low || isNaN(threshold) || !(parseFloat(row.getAttribute("data-score")) >= threshold));
      ok = ok && (!section || row.getAttribute("data-section") === section);
      ok = ok && (!decision || ((state.units[row.getAttribute("data-key")] || {}).decision || "none") === decision);
      ok = ok && (!q || texts[i].indexOf(q) >= 0);
      row.hidden = !ok;
      shown += ok;
    });
    sections.forEach(function (head) {  // a section's heading row goes with its units
      var next = head.nextElementSibling, any = false;
      while (next && !next.classList.contains("section-row")) { any = any || !next.hidden; next = next.nextElementSibling; }
      head.hidden = !any;
    });
    index.forEach(function (li) {
      var target = $(li.getAttribute("data-target"));
      li.hidden = !matches(li.getAttribute("data-code"), li.getAttribute("data-severity")) ||
        !!(target && target.classList.contains("pair") && target.hidden);
    });
    $("f-count").textContent = "showing " + shown + " of " + rows.length + " units";
  }

  // -- navigation --------------------------------------------------------------------------------------------
  function focusRow(row, scroll) {
    if (current) current.classList.remove("current");
    current = row;
    row.classList.add("current");
    try { window.history.replaceState(null, "", "#" + row.id); } catch (e) { /* a page without history */ }
    row.focus({preventScroll: true});
    if (scroll) row.scrollIntoView({block: "center"});
  }

  function step(by) {
    var list = rows.filter(function (r) { return !r.hidden && r.classList.contains("flagged"); });
    if (!list.length) return;
    var at = current ? rows.indexOf(current) : -1, target;
    if (by > 0) target = list.filter(function (r) { return rows.indexOf(r) > at; })[0] || list[0];
    else target = list.filter(function (r) { return rows.indexOf(r) < at; }).pop() || list[list.length - 1];
    focusRow(target, true);
  }

  function fromHash() {
    var target = window.location.hash ? $(decodeURIComponent(window.location.hash.slice(1))) : null;
    if (target && target.matches("tr.pair")) focusRow(target, false);
  }

  function typing(el) {
    return el && (el.tagName === "SELECT" || el.tagName === "TEXTAREA" ||
                  (el.tagName === "INPUT" && ["checkbox", "radio", "button", "file"].indexOf(el.type) < 0));
  }

  // -- the file ----------------------------------------------------------------------------------------------
  function download() {
    var data = {format: FORMAT, version: VERSION, created: new Date().toISOString(), page: document.title};
    KINDS.forEach(function (kind) { data[kind] = state[kind]; });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 1) + "\n"], {type: "application/json"}));
    link.download = "decisions.json";
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
  }

  function upload(input) {
    var file = input.files && input.files[0];
    if (!file) return;
    var reader = new FileReader();
    reader.onload = function () {
      try {
        var data = JSON.parse(reader.result);
        if (!data || data.format !== FORMAT) throw new Error("not a decisions file");
        merge(data);
        save();
      } catch (e) {
        $("d-count").textContent = file.name + ": " + e.message;
      }
      input.value = "";
    };
    reader.readAsText(file);
  }

  // -- wiring --------------------------------------------------------------------------------------------------
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest("button");
    var row = ev.target.closest("tr.pair");
    if (row) focusRow(row, false);
    if (!b) return;
    if (b.hasAttribute("data-set")) setUnit(b.closest("tr.pair"), b.getAttribute("data-set"));
    else if (b.hasAttribute("data-wset")) setWarning(b.closest("li.warning"), b.getAttribute("data-wset"));
    else if (b.id === "d-download") download();
    else if (b.id === "d-clear" && window.confirm("Clear every decision of this page?")) { state = empty(); save(); }
  });
  document.addEventListener("change", function (ev) {
    var t = ev.target;
    if (t.matches("input.note")) noteUnit(t);
    else if (t.matches("select.verdict, input.vnote")) setVerdict(t.closest("td"));
    else if (t.id === "d-load") upload(t);
    else if (t.closest("nav.tools")) filter();
  });
  document.addEventListener("input", function (ev) {
    if (ev.target.id === "f-search" || ev.target.id === "f-score") filter();
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (typing(ev.target)) {
      if (ev.key === "Escape") ev.target.blur();
      return;
    }
    var keys = {j: 1, n: 1, k: -1, p: -1};
    if (keys[ev.key]) step(keys[ev.key]);
    else if (ev.key === "/") $("f-search").focus();
    else if ((ev.key === "a" || ev.key === "r") && current) setUnit(current, ev.key === "a" ? "accepted" : "rejected");
    else return;
    ev.preventDefault();
  });
  window.addEventListener("hashchange", fromHash);
  document.documentElement.classList.add("js");
  load();
  show();
  fromHash();
})();
