/* The keying screen in list mode: a grid of rows (one per listed file), the row fields as
   columns. Cells are named r<n>_<key>, n the row's place as shown: adding, deleting and
   moving rows renumbers them, so the form always posts rows 1..n in the order seen.
   Keys: Enter moves to the next cell (the last cell of a row goes on to the next row, adding
   one after the last); Alt+Enter adds a row below; ArrowUp/ArrowDown go to the same column
   of the row above/below; Alt+ArrowUp/ArrowDown move the row; Alt+Delete deletes it.
   A cell typed as a ditto mark (the marks of crowdcat.services.reconciliation.ditto, given
   in data-ditto-marks) shows at once the value it stands for, resolved as the server will.
   Loaded before keying.js, which saves and restores the draft through window.crowdcatListGrid.
   The viewer guide: a horizontal line over the scan, dragged (or moved with Alt+PageUp /
   Alt+PageDown) to the row being keyed; its place is kept per row in sessionStorage. */
(function () {
  "use strict";

  var root = document.getElementById("list-grid");
  if (!root) { return; }
  var form = root.closest("form");
  var body = document.getElementById("list-rows");
  var template = document.getElementById("list-row-template");
  var count = document.getElementById("row-count");
  var marks = [];
  try { marks = JSON.parse(root.dataset.dittoMarks || "[]"); } catch (e) { marks = []; }
  var NAME = /^r(\d+|__N__)_/;

  function fmt(text, n) { return (text || "").replace("{n}", String(n)); }
  function rows() { return Array.prototype.slice.call(body.querySelectorAll("tr.list-row")); }
  function cellsOf(row) { return Array.prototype.slice.call(row.querySelectorAll("[data-grid-cell]")); }
  function rowOf(el) { return el && el.closest ? el.closest("tr.list-row") : null; }
  function isMark(value) { return marks.indexOf((value || "").trim()) >= 0; }

  var live = document.createElement("p");
  live.className = "visually-hidden";
  live.setAttribute("aria-live", "polite");
  root.appendChild(live);
  function say(text) { live.textContent = text; }

  // Ids and names follow the row's place; a row keeps its error text when it moves.
  function renameIn(row, n) {
    row.dataset.row = String(n);
    var head = row.querySelector(".list-row-n span");
    head.id = "row-" + n;
    head.textContent = fmt(root.dataset.msgRow, n);
    row.querySelectorAll("[id]").forEach(function (el) {
      if (NAME.test(el.id)) { el.id = el.id.replace(NAME, "r" + n + "_"); }
    });
    row.querySelectorAll("[name]").forEach(function (el) { el.name = el.name.replace(NAME, "r" + n + "_"); });
    row.querySelectorAll("output[for]").forEach(function (el) {
      el.htmlFor = el.htmlFor.value.replace(NAME, "r" + n + "_");
    });
    row.querySelectorAll("[aria-describedby], [aria-labelledby]").forEach(function (el) {
      ["aria-describedby", "aria-labelledby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (!value) { return; }
        el.setAttribute(attr, value.split(" ").map(function (id) {
          return id.replace(NAME, "r" + n + "_").replace(/^row-(\d+|__N__)$/, "row-" + n);
        }).join(" "));
      });
    });
    var actions = { up: "msgUp", down: "msgDown", "delete": "msgDelete" };
    row.querySelectorAll("[data-row-action]").forEach(function (button) {
      button.setAttribute("aria-label", fmt(root.dataset[actions[button.dataset.rowAction]], n));
    });
  }

  function renumber() {
    var all = rows();
    all.forEach(function (row, i) { renameIn(row, i + 1); });
    var n = all.length;
    count.textContent = fmt(n === 1 ? root.dataset.msgRowsOne : root.dataset.msgRowsOther, n);
    all.forEach(function (row, i) {
      row.querySelector("[data-row-action=up]").disabled = i === 0;
      row.querySelector("[data-row-action=down]").disabled = i === n - 1;
    });
  }

  // The same rule as ditto.resolve: a mark repeats the resolved cell above when there is one.
  function refreshDitto() {
    var above = {};
    rows().forEach(function (row) {
      var current = {};
      cellsOf(row).forEach(function (cell) {
        var key = cell.closest("td").dataset.key;
        var value = cell.value, resolved = value;
        var repeated = above[key] || "";
        if (isMark(value) && repeated.trim() && !isMark(repeated)) { resolved = repeated; }
        current[key] = resolved;
        var out = document.getElementById(cell.id + "-ditto");
        var shown = resolved !== value ? "= " + resolved : "";
        if (out && out.textContent !== shown) { out.textContent = shown; }
        cell.closest("td").classList.toggle("is-ditto", isMark(value));
      });
      above = current;
    });
  }

  function changed() {
    renumber();
    refreshDitto();
    body.dispatchEvent(new Event("change", { bubbles: true }));  // keying.js saves the draft
  }

  function newRow() {
    var holder = document.createElement("tbody");
    holder.innerHTML = template.innerHTML;
    return holder.querySelector("tr.list-row");
  }

  function addRow(after) {
    var row = newRow();
    if (after && after.nextSibling) { body.insertBefore(row, after.nextSibling); } else { body.appendChild(row); }
    changed();
    say(fmt(root.dataset.msgAdded, row.dataset.row));
    return row;
  }

  function focusCell(row, index) {
    var cells = cellsOf(row);
    var cell = cells[Math.max(0, Math.min(index, cells.length - 1))];
    if (cell) { cell.focus(); if (cell.select && cell.tagName === "INPUT") { cell.select(); } }
  }

  function deleteRow(row) {
    var all = rows(), at = all.indexOf(row);
    var n = row.dataset.row;
    if (all.length === 1) {
      cellsOf(row).forEach(function (cell) { cell.value = ""; });
      row.querySelectorAll(".error").forEach(function (el) { el.remove(); });
    } else {
      row.remove();
    }
    changed();
    say(fmt(root.dataset.msgDeleted, n));
    var left = rows();
    focusCell(left[Math.min(at, left.length - 1)], 0);
  }

  function moveRow(row, step) {
    var all = rows(), at = all.indexOf(row), to = at + step;
    if (to < 0 || to >= all.length) { return; }
    var focused = document.activeElement;
    if (step < 0) { body.insertBefore(row, all[to]); } else { body.insertBefore(row, all[to].nextSibling); }
    changed();
    if (focused && row.contains(focused)) { focused.focus(); }
    say(fmt(root.dataset.msgMoved, row.dataset.row));
  }

  body.addEventListener("click", function (event) {
    var button = event.target.closest("[data-row-action]");
    if (!button) { return; }
    var row = rowOf(button);
    if (button.dataset.rowAction === "delete") { deleteRow(row); }
    else {
      moveRow(row, button.dataset.rowAction === "up" ? -1 : 1);
      if (!button.disabled) { button.focus(); } else { focusCell(row, 0); }
    }
  });
  document.getElementById("add-row").addEventListener("click", function () {
    focusCell(addRow(null), 0);
  });
  body.addEventListener("input", refreshDitto);

  // An OCR line picked (Alt+N) keeps Alt+Enter for copying it (static/js/ocr.js).
  function ocrLinePicked() {
    var toggle = document.getElementById("ocr-toggle");
    return !!toggle && toggle.getAttribute("aria-pressed") === "true" &&
      !!document.querySelector("#ocr-lines .picked, .ocr-box.picked");
  }

  var headerFields = Array.prototype.slice.call(
    form.querySelectorAll("input[type=text][name^='f_'], select[name^='f_']"));

  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey) { return; }  // Ctrl+Enter submits (keying.js)
    var row = rowOf(target);
    if (!row || !target.hasAttribute("data-grid-cell")) {
      // Header fields: Enter goes on to the next field, then into the grid (never submits).
      var at = headerFields.indexOf(target);
      if (at >= 0 && event.key === "Enter" && !event.altKey && !event.shiftKey) {
        event.preventDefault();
        if (at + 1 < headerFields.length) { headerFields[at + 1].focus(); } else { focusCell(rows()[0], 0); }
      }
      return;
    }
    var cells = cellsOf(row), index = cells.indexOf(target), all = rows(), rowAt = all.indexOf(row);
    if (event.key === "Enter" && event.altKey) {
      if (ocrLinePicked()) { return; }
      event.preventDefault();
      event.stopPropagation();
      focusCell(addRow(row), 0);
    } else if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      if (index + 1 < cells.length) { focusCell(row, index + 1); return; }
      focusCell(rowAt + 1 < all.length ? all[rowAt + 1] : addRow(row), 0);
    } else if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      event.preventDefault();
      moveRow(row, event.key === "ArrowUp" ? -1 : 1);
    } else if (event.altKey && event.key === "Delete") {
      event.preventDefault();
      deleteRow(row);
    } else if (!event.altKey && !event.shiftKey && target.tagName === "INPUT" &&
               (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      var next = all[rowAt + (event.key === "ArrowUp" ? -1 : 1)];
      if (next) { event.preventDefault(); focusCell(next, index); }
    }
  });

  // The viewer guide: one line over the scan; its height (share of the figure) kept per row.
  var figure = document.querySelector(".keying-scan figure.viewer");
  var guide = null;
  var guideKey = "crowdcat:guide:" + (root.closest("[data-page-id]") || root).dataset.pageId;
  function session() { try { return window.sessionStorage; } catch (e) { return null; } }
  function guideSpots() {
    var store = session(), raw = store && store.getItem(guideKey);
    try { return raw ? JSON.parse(raw) : {}; } catch (e) { return {}; }
  }
  function currentRowNumber() {
    var row = rowOf(document.activeElement) || rowOf(lastCell);
    return row ? row.dataset.row : "1";
  }
  var lastCell = null;
  function placeGuide(share) {
    if (!guide) { return; }
    share = Math.max(0, Math.min(1, share));
    guide.style.top = (share * 100) + "%";
    guide.setAttribute("aria-valuenow", String(Math.round(share * 100)));
  }
  function keepGuide(share) {
    var store = session();
    if (!store) { return; }
    var spots = guideSpots();
    spots[currentRowNumber()] = share;
    try { store.setItem(guideKey, JSON.stringify(spots)); } catch (e) { /* full: not kept */ }
  }
  function followRow() {
    if (!guide) { return; }
    var spots = guideSpots(), n = currentRowNumber();
    var share = spots[n];
    if (typeof share !== "number") {
      // A row not placed yet: just under the row above it, where the next line of the list is.
      var above = spots[String(Number(n) - 1)];
      share = typeof above === "number" ? Math.min(1, above + 0.04) : 0.2;
    }
    placeGuide(share);
  }
  if (figure) {
    guide = document.createElement("div");
    guide.className = "viewer-guide";
    guide.tabIndex = -1;
    guide.setAttribute("role", "slider");
    guide.setAttribute("aria-orientation", "vertical");
    guide.setAttribute("aria-valuemin", "0");
    guide.setAttribute("aria-valuemax", "100");
    guide.setAttribute("aria-label", root.dataset.msgGuide || "");
    figure.appendChild(guide);
    var dragging = false;
    guide.addEventListener("pointerdown", function (event) {
      dragging = true;
      guide.setPointerCapture(event.pointerId);
      event.preventDefault();
      event.stopPropagation();
    });
    guide.addEventListener("pointermove", function (event) {
      if (!dragging) { return; }
      var box = figure.getBoundingClientRect();
      placeGuide((event.clientY - box.top) / box.height);
      event.stopPropagation();
    });
    guide.addEventListener("pointerup", function (event) {
      if (!dragging) { return; }
      dragging = false;
      var box = figure.getBoundingClientRect();
      var share = Math.max(0, Math.min(1, (event.clientY - box.top) / box.height));
      placeGuide(share);
      keepGuide(share);
    });
    form.addEventListener("focusin", function (event) {
      if (rowOf(event.target)) { lastCell = event.target; followRow(); }
    });
    // Alt+PageUp / Alt+PageDown nudge the guide for keyboard users.
    form.addEventListener("keydown", function (event) {
      if (!event.altKey || (event.key !== "PageUp" && event.key !== "PageDown")) { return; }
      event.preventDefault();
      event.stopPropagation();
      var now = Number(guide.getAttribute("aria-valuenow") || 20) / 100;
      var share = Math.max(0, Math.min(1, now + (event.key === "PageUp" ? -0.01 : 0.01)));
      placeGuide(share);
      keepGuide(share);
    });
    followRow();
  }

  renumber();
  refreshDitto();

  // After a refusal, the first refused cell has the focus (unless a header field was refused).
  window.addEventListener("load", function () {
    if (form.querySelector(".field.has-error")) { return; }
    var refused = body.querySelector("[data-grid-cell][aria-invalid=true]");
    if (refused) { refused.focus(); }
  });

  window.crowdcatListGrid = {
    // A draft of n rows: make room for it before keying.js fills the cells in.
    ensureRows: function (n) {
      n = Math.min(Number(n) || 0, 200);
      while (rows().length < n) { body.appendChild(newRow()); }
      renumber();
    },
    refresh: function () { renumber(); refreshDitto(); followRow(); }
  };
})();
