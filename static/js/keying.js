/* The keying screen: keyboard shortcuts, draft autosave, live date hints, reservation renewal.
   Progressive: without this script the form still works (server validation, plain submit). */
(function () {
  "use strict";

  var DRAFT_PREFIX = "crowdcat:draft:";
  var RENEW_EVERY_MS = 4 * 60 * 1000;

  function draftKey(userId, pageId) { return DRAFT_PREFIX + userId + ":" + pageId; }

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }  // private mode, disabled
  }

  // After a successful submit the server names the page in data-clear-draft: forget its draft.
  function clearSubmittedDraft(root) {
    var store = storage();
    if (store && root.dataset.clearDraft) {
      store.removeItem(draftKey(root.dataset.userId, root.dataset.clearDraft));
    }
  }

  var finished = document.getElementById("keying-finished");
  if (finished) { clearSubmittedDraft(finished); }

  var root = document.getElementById("keying");
  if (!root) { return; }
  clearSubmittedDraft(root);

  var form = document.getElementById("keying-form");
  // The fields of the form; in list mode the grid's cells (r<n>_<key>) too, whose rows come
  // and go (static/js/list_grid.js), so they are looked up each time.
  var grid = window.crowdcatListGrid || null;
  function draftFields() {
    return Array.prototype.slice.call(form.querySelectorAll(
      "input[name^='f_'], textarea[name^='f_'], select[name^='f_'], [data-grid-cell]"));
  }
  var fields = draftFields();
  var key = draftKey(root.dataset.userId, root.dataset.pageId);
  var store = storage();
  var note = document.getElementById("draft-note");
  var csrf = document.querySelector("meta[name='csrf-token']");

  function currentValues() {
    var values = {};
    draftFields().forEach(function (f) { values[f.name] = f.value; });
    return values;
  }

  function saveDraft() {
    if (!store) { return; }
    try { store.setItem(key, JSON.stringify({ saved: Date.now(), values: currentValues() })); }
    catch (e) { /* storage full: keep working without a draft */ }
  }

  function restoreDraft() {
    if (!store) { return; }
    var raw = store.getItem(key);
    if (!raw) { return; }
    var draft;
    try { draft = JSON.parse(raw); } catch (e) { store.removeItem(key); return; }
    var restored = false;
    if (grid && draft.values) {
      var rowCount = Object.keys(draft.values).reduce(function (most, name) {
        var match = /^r(\d+)_/.exec(name);
        return match ? Math.max(most, Number(match[1])) : most;
      }, 0);
      grid.ensureRows(rowCount);
    }
    draftFields().forEach(function (f) {
      var value = draft.values && draft.values[f.name];
      if (typeof value === "string" && value !== f.value) { f.value = value; restored = true; }
    });
    if (grid) { grid.refresh(); }
    if (restored && note) { note.textContent = root.dataset.msgDraftRestored; note.hidden = false; }
  }

  // Values the server sent back (after a refusal) are newer than any draft: keep them.
  if (root.dataset.fromServer === "true") { saveDraft(); } else { restoreDraft(); }

  var saveTimer = null;
  form.addEventListener("input", function (event) {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveDraft, 300);
    if (event.target.dataset.dateHint) { scheduleHint(event.target); }
    renewSoon();
  });
  form.addEventListener("change", saveDraft);

  // Live date hint: the server's own parser, so the hint and the vote read dates alike.
  var hintTimers = {};
  function scheduleHint(input) {
    clearTimeout(hintTimers[input.id]);
    hintTimers[input.id] = setTimeout(function () { showHint(input); }, 250);
  }
  function showHint(input) {
    var target = document.getElementById(input.dataset.dateHint);
    var value = input.value.trim();
    if (!target) { return; }
    if (!value) { target.textContent = ""; return; }
    // Signed-in volunteers' session cookie authorizes the hint; 422 says why (too long).
    fetch(root.dataset.dateUrl + "?value=" + encodeURIComponent(value), { credentials: "same-origin" })
      .then(function (r) { return r.ok || r.status === 422 ? r.json() : null; })
      .then(function (data) {
        if (!data || input.value.trim() !== value) { return; }
        if (data.error) {
          target.textContent = data.error.message;
          target.classList.add("unread");
        } else if (data.iso) {
          var precision = root.dataset["msgDatePrecision" + data.precision.charAt(0).toUpperCase() + data.precision.slice(1)];
          target.textContent = root.dataset.msgDateRead + " " + data.iso + (precision ? " (" + precision + ")" : "");
          target.classList.remove("unread");
        } else {
          target.textContent = root.dataset.msgDateUnread;
          target.classList.add("unread");
        }
      })
      .catch(function () { /* offline: no hint, the server still checks on submit */ });
  }
  fields.forEach(function (f) { if (f.dataset.dateHint && f.value.trim()) { showHint(f); } });

  // Keep the page held while the volunteer works (at most one request every few minutes).
  var lastRenew = Date.now();
  function renewSoon() {
    if (Date.now() - lastRenew < RENEW_EVERY_MS) { return; }
    lastRenew = Date.now();
    fetch(root.dataset.renewUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": csrf ? csrf.content : "" }
    }).then(function (r) {
      if (r.status === 409 && note) { note.textContent = root.dataset.msgExpired; note.hidden = false; }
    }).catch(function () { /* offline: the submit still works if the page still needs it */ });
  }

  // One submission per click: the server is idempotent anyway, this just avoids a second request.
  var submitting = false;
  form.addEventListener("submit", function (event) {
    if (submitting) { event.preventDefault(); return; }
    saveDraft();
    submitting = true;
    setTimeout(function () { submitting = false; }, 5000);
  });

  // Shortcuts: Ctrl/Cmd+Enter submits; "?" (outside fields) or Ctrl+/ toggles the help panel.
  var dialog = document.getElementById("shortcuts");
  var opener = document.getElementById("shortcuts-open");
  function toggleHelp() {
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    if (dialog.open) { dialog.close(); } else { dialog.showModal(); }
  }
  if (opener) { opener.addEventListener("click", toggleHelp); }
  if (dialog) { dialog.addEventListener("close", function () { if (opener) { opener.focus(); } }); }

  function typingIn(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { form.submit(); }
    } else if ((event.ctrlKey && event.key === "/") || (event.key === "?" && !typingIn(event.target))) {
      event.preventDefault();
      toggleHelp();
    }
  });
})();
