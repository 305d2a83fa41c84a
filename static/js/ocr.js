/* The machine reading on the keying screen: a toggle shows the recognised lines as boxes over
   the scan (OpenSeadragon overlays) and as a list in reading order; clicking a line or its box
   copies its text into the field last typed in (Alt+click appends). Alt+N picks the lines
   nearest the centre of the view in turn, Alt+Enter copies the picked one (Alt+Shift+Enter
   appends). Nothing is fetched until the toggle is on; the text is never submitted by itself.
   On an item of several images the reading follows the page the viewer shows ("viewer:page").
   With the project's OCR suggestions on (data-suggest-url), the item's suggestions are fetched
   once and each is shown beside its field with a "Use" button that copies it: a suggestion is
   never typed into a field by itself. */
(function () {
  "use strict";

  var root = document.getElementById("ocr");
  if (!root) return;
  var toggle = document.getElementById("ocr-toggle");
  var panel = document.getElementById("ocr-panel");
  var list = document.getElementById("ocr-lines");
  var status = document.getElementById("ocr-status");
  var form = document.getElementById("keying-form") || document;
  var STORE_KEY = "crowdcat:ocr-on";
  var reading = null;   // the JSON of /scans/<id>/text of the page shown, once loaded
  var readings = {};    // by text URL: the pages already read while the screen is open
  var opening = false;  // a page is being opened in the viewer: its boxes come on "open"
  var boxes = [];       // overlay elements, by line index
  var lastField = null;
  var picked = -1;
  var ring = [];        // line indexes by distance from the view's centre (Alt+N)

  function storage() { try { return window.localStorage; } catch (e) { return null; } }
  function say(text) { status.textContent = text; }
  function msg(name, values) {
    var text = root.dataset["msg" + name] || "";
    Object.keys(values || {}).forEach(function (k) { text = text.replace("{" + k + "}", values[k]); });
    return text;
  }

  function isField(el) {
    return !!el && el.matches && el.matches("input[type=text], textarea") && form.contains(el);
  }
  form.addEventListener("focusin", function (event) { if (isField(event.target)) lastField = event.target; });
  // The field typed in last; before any, the one the screen focused first (autofocus).
  function targetField() {
    if (isField(document.activeElement)) return document.activeElement;
    return lastField || form.querySelector("input[type=text][autofocus], textarea[autofocus]");
  }
  function fieldName(field) {
    var label = field.id ? document.querySelector("label[for='" + field.id + "']") : null;
    return label ? label.textContent.replace("*", "").trim() : field.name;
  }

  function joined(before, text) {
    if (!before) return text;
    var a = before.charAt(before.length - 1), b = text.charAt(0);
    return before + (/[A-Za-z0-9]/.test(a) && /[A-Za-z0-9]/.test(b) ? " " : "") + text;
  }

  function copy(index, append) {
    var field = targetField();
    if (!field) { say(msg("NoField")); return; }
    var text = reading.lines[index].text;
    field.value = append ? joined(field.value, text) : text;
    field.dispatchEvent(new Event("input", { bubbles: true }));  // the draft and hints follow
    field.focus();
    pick(index);
    say(msg("Copied", { field: fieldName(field) }));
  }

  function pick(index) {
    picked = index;
    boxes.forEach(function (el, i) { el.classList.toggle("picked", i === index); });
    Array.prototype.forEach.call(list.children, function (li, i) {
      li.classList.toggle("picked", i === index);
      if (i === index) li.scrollIntoView({ block: "nearest", inline: "nearest" });
    });
  }

  function viewer() {
    var figure = document.querySelector("figure.viewer");
    return figure && figure.viewer && figure.viewer.world.getItemCount() ? figure.viewer : null;
  }

  function drawBoxes() {
    var osd = viewer();
    if (!osd || !reading || boxes.length || opening) return;
    var item = osd.world.getItemAt(0);
    reading.lines.forEach(function (line, i) {
      var el = document.createElement("div");
      el.className = "ocr-box" + (line.confidence < 0.8 ? " low" : "");
      el.dataset.index = String(i);
      el.title = line.text;
      var b = line.box;
      osd.addOverlay({ element: el, location: item.imageToViewportRectangle(b[0], b[1], b[2], b[3]) });
      boxes.push(el);
    });
  }

  function clearBoxes() {
    var osd = viewer();
    if (osd) boxes.forEach(function (el) { osd.removeOverlay(el); });
    boxes = [];
  }

  // Boxes take no pointer events (dragging still pans): a quick click on the canvas is
  // matched to the smallest box under it.
  function lineAt(osd, position) {
    var point = osd.world.getItemAt(0).viewerElementToImageCoordinates(position);
    var best = -1, area = Infinity;
    reading.lines.forEach(function (line, i) {
      var b = line.box;
      if (point.x >= b[0] && point.x <= b[0] + b[2] && point.y >= b[1] && point.y <= b[1] + b[3] && b[2] * b[3] < area) {
        best = i; area = b[2] * b[3];
      }
    });
    return best;
  }

  var hooked = false;
  function hookViewer() {
    var figure = document.querySelector("figure.viewer");
    if (hooked || !figure || !figure.viewer) return;
    hooked = true;
    var osd = figure.viewer;
    osd.addHandler("open", function () { opening = false; if (isOn()) drawBoxes(); });
    osd.addHandler("canvas-click", function (event) {
      if (!isOn() || !reading || !event.quick || !boxes.length) return;
      var index = lineAt(osd, event.position);
      if (index < 0) return;
      event.preventDefaultAction = true;
      copy(index, !!(event.originalEvent && event.originalEvent.altKey));
    });
  }

  function fillList() {
    list.textContent = "";
    list.classList.toggle("vertical", !!reading.vertical);
    reading.lines.forEach(function (line, i) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = line.text;
      button.dataset.index = String(i);
      if (line.confidence < 0.8) button.classList.add("low");
      li.appendChild(button);
      list.appendChild(li);
    });
  }
  list.addEventListener("mousedown", function (event) {
    if (event.target.closest("button")) event.preventDefault();  // the field keeps the focus
  });
  list.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-index]");
    if (button) copy(parseInt(button.dataset.index, 10), event.altKey);
  });

  function show() {
    hookViewer();
    if (reading) { panel.hidden = !reading.lines.length; drawBoxes(); summary(); return; }
    say(msg("Loading"));
    var url = root.dataset.url;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (data) {
        readings[url] = data;
        if (url !== root.dataset.url) return;  // the volunteer turned the page meanwhile
        reading = data;
        if (!isOn()) return;
        fillList();
        panel.hidden = !reading.lines.length;
        drawBoxes();
        summary();
      })
      .catch(function () { if (url === root.dataset.url) say(msg("Failed")); });
  }

  function summary() {
    if (reading.status === "missing") say(msg("Missing"));
    else if (reading.status === "unreadable") say(msg("Unreadable"));
    else if (!reading.lines.length) say(msg("Empty"));
    else say(msg("Lines", { n: reading.lines.length }));
  }

  function isOn() { return toggle.getAttribute("aria-pressed") === "true"; }
  function setOn(on) {
    toggle.setAttribute("aria-pressed", String(on));
    var store = storage();
    if (store) { try { store.setItem(STORE_KEY, on ? "1" : "0"); } catch (e) { /* full */ } }
    if (on) { show(); } else { panel.hidden = true; clearBoxes(); say(""); picked = -1; }
  }
  toggle.addEventListener("click", function () { setOn(!isOn()); });

  // The viewer turned to another page of the item: its own reading, boxes and list.
  document.addEventListener("viewer:page", function (event) {
    if (!event.detail || !event.detail.textUrl || event.detail.textUrl === root.dataset.url) return;
    hookViewer();
    clearBoxes();
    opening = true;
    picked = -1;
    ring = [];
    root.dataset.url = event.detail.textUrl;
    reading = readings[root.dataset.url] || null;
    list.textContent = "";
    if (!isOn()) return;
    if (reading) fillList();
    show();
  });

  function nearCentre() {
    var osd = viewer();
    if (!osd) return reading.lines.map(function (_l, i) { return i; });
    var c = osd.world.getItemAt(0).viewportToImageCoordinates(osd.viewport.getCenter(true));
    return reading.lines.map(function (line, i) {
      var b = line.box, dx = b[0] + b[2] / 2 - c.x, dy = b[1] + b[3] / 2 - c.y;
      return [dx * dx + dy * dy, i];
    }).sort(function (a, b) { return a[0] - b[0]; }).map(function (pair) { return pair[1]; });
  }

  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    var key = event.key.toLowerCase();
    if (event.code === "KeyO" || key === "o") { setOn(!isOn()); event.preventDefault(); return; }
    if (!isOn() || !reading || !reading.lines.length) return;
    if (event.code === "KeyN" || key === "n") {
      if (picked < 0 || ring.indexOf(picked) < 0) ring = nearCentre();
      var at = ring.indexOf(picked);
      pick(ring[(at + 1) % ring.length]);
      say(reading.lines[picked].text);
      event.preventDefault();
    } else if (event.key === "Enter" && picked >= 0) {
      copy(picked, event.shiftKey);
      event.preventDefault();
    }
  });

  // Suggestions beside the fields (GET /items/<id>/suggestions), from the machine only.
  function suggest(key, suggestion) {
    var field = form.elements ? form.elements[(root.dataset.fieldPrefix || "") + key] : null;
    var template = document.getElementById("ocr-suggest-template");
    if (!field || !field.closest || !template || !field.closest(".field")) return;
    var box = template.content.firstElementChild.cloneNode(true);
    box.dataset.field = key;
    box.querySelector(".ocr-suggest-value").textContent = suggestion.value;
    var use = box.querySelector(".ocr-suggest-use");
    use.setAttribute("aria-label", msg("UseLabel", { value: suggestion.value, field: fieldName(field) }));
    use.addEventListener("click", function () {
      field.value = suggestion.value;
      field.dispatchEvent(new Event("input", { bubbles: true }));  // the draft and hints follow
      field.focus();
      say(msg("Used", { field: fieldName(field) }));
    });
    field.insertAdjacentElement("afterend", box);
  }
  function loadSuggestions() {
    var url = root.dataset.suggestUrl;
    if (!url) return;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (data) {
        Object.keys(data.suggestions || {}).forEach(function (key) { suggest(key, data.suggestions[key]); });
      })
      .catch(function () { /* no suggestions: the fields are keyed as always */ });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", loadSuggestions);
  else loadSuggestions();

  var store = storage();
  if (store && store.getItem(STORE_KEY) === "1") {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { setOn(true); });
    else setOn(true);
  }
})();
