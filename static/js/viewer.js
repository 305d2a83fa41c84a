/* crowdcat scan viewer: OpenSeadragon over the IIIF service of an item's images, one page
   at a time, with rotate, fit width, brightness/contrast and invert. An item of several
   images has a page strip, "page 2 / 4", buttons and PageUp/PageDown to turn pages; each
   page keeps its own rotation, filters and zoom while the volunteer stays on the item (in
   sessionStorage: a reload or a refused submit keeps them, closing the tab forgets). Keys never fire
   while typing in a field, except PageUp/PageDown (not in a text area or list).
   Each <figure class="viewer"> gets `figure.viewer` (the OpenSeadragon viewer) and reports
   its state in data-state (loading|ready|error), data-page, data-image-id, data-rotation and
   data-invert; turning a page dispatches "viewer:page" on it (detail: page, imageId, textUrl). */
(function () {
  "use strict";
  if (window.crowdcatViewer) return; // the macro may be used more than once on a page

  var viewers = [];

  function typing(target) {
    if (!target || !target.closest) return false;
    return !!target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']");
  }

  // PageUp/PageDown turn pages even from a one-line field; a text area or list keeps them.
  function keepsPageKeys(target) {
    if (!target || !target.closest) return false;
    return !!target.closest("textarea, select, [contenteditable=''], [contenteditable='true']");
  }

  function fresh() { return { steps: 0, fine: 0, brightness: 100, contrast: 100, invert: false, bounds: null }; }

  var STORE = "crowdcat:view:";
  function store() { try { return window.sessionStorage; } catch (e) { return null; } }
  function remembered(key) {
    var s = store(), raw = s && s.getItem(STORE + key);
    if (!raw) return null;
    try { return JSON.parse(raw); } catch (e) { return null; }
  }
  function remember(key, value) {
    var s = store();
    if (s) { try { s.setItem(STORE + key, JSON.stringify(value)); } catch (e) { /* full */ } }
  }
  // A page's view as the volunteer left it (bounds as a plain rectangle), else a fresh one.
  function stateOf(id) {
    var state = fresh(), kept = remembered("image:" + id);
    if (kept) Object.keys(state).forEach(function (k) { if (k in kept) state[k] = kept[k]; });
    return state;
  }

  function fill(template, values) {
    return Object.keys(values).reduce(function (text, k) { return text.replace("{" + k + "}", values[k]); }, template || "");
  }

  function setup(figure) {
    var canvas = figure.querySelector(".viewer-canvas");
    var fallback = figure.querySelector(".viewer-fallback");
    var toolbar = figure.querySelector(".viewer-toolbar");
    var thumbs = Array.prototype.slice.call(figure.querySelectorAll(".viewer-thumb"));
    var label = figure.querySelector(".viewer-page-label");
    var prev = figure.querySelector("[data-action=page-prev]");
    var next = figure.querySelector("[data-action=page-next]");
    var total = thumbs.length || 1;
    var current = 1;
    var states = {};  // by image id: each page's own view
    var state = stateOf(figure.dataset.imageId);
    states[figure.dataset.imageId] = state;
    var opened = false;
    function keep() {
      if (osd.world.getItemCount()) {
        var b = osd.viewport.getBounds(true);
        state.bounds = { x: b.x, y: b.y, width: b.width, height: b.height };
      }
      remember("image:" + figure.dataset.imageId, state);
      if (thumbs.length) remember("item:" + figure.dataset.pageId, current);
    }
    window.addEventListener("pagehide", keep);

    var osd = OpenSeadragon({
      element: canvas,
      tileSources: figure.dataset.infoUrl,
      prefixUrl: figure.dataset.osdImages,
      drawer: "canvas", // CSS filters and pixel reads behave the same on every browser
      showNavigationControl: false,
      showNavigator: false,
      visibilityRatio: 0.5,
      minZoomImageRatio: 0.5,
      maxZoomPixelRatio: 4,
      gestureSettingsMouse: { clickToZoom: false, dblClickToZoom: true },
      degrees: 0,
      preserveImageSizeOnResize: true
    });
    figure.viewer = osd;

    osd.addHandler("open", function () {
      if (fallback) { fallback.remove(); fallback = null; }
      toolbar.hidden = false;
      if (prev) prev.hidden = false;
      if (next) next.hidden = false;
      var keys = figure.querySelector(".viewer-keys");
      if (keys) keys.hidden = false;
      restore();
      if (!opened) {
        opened = true;  // back on the page the volunteer was reading (after all scripts listen)
        var last = parseInt(remembered("item:" + figure.dataset.pageId), 10);
        if (last > 1) turnTo(last);
      }
    });
    osd.addHandler("tile-drawn", function () {
      if (figure.dataset.state !== "ready") figure.dataset.state = "ready";
    });
    osd.addHandler("open-failed", function () {
      figure.dataset.state = "error"; // the fallback image (if any) stays visible
    });

    function rotation() { return state.steps * 90 + state.fine; }

    function applyRotation(immediately) {
      osd.viewport.setRotation(rotation(), !!immediately);
      figure.dataset.rotation = String(rotation());
      remember("image:" + figure.dataset.imageId, state);
    }

    function applyFilters() {
      var filter = "brightness(" + state.brightness / 100 + ") contrast(" + state.contrast / 100 + ")";
      if (state.invert) filter += " invert(1)";
      osd.canvas.style.filter = filter;
      figure.dataset.invert = String(state.invert);
      var button = figure.querySelector("[data-action=invert]");
      if (button) button.setAttribute("aria-pressed", String(state.invert));
      remember("image:" + figure.dataset.imageId, state);
    }

    function showControls() {
      var values = { "fine-rotation": state.fine, brightness: state.brightness, contrast: state.contrast };
      figure.querySelectorAll("input[type=range][data-control]").forEach(function (input) {
        input.value = String(values[input.dataset.control]);
      });
    }

    // A page just opened: its own rotation, filters and zoom (or the whole page, the first time).
    function restore() {
      applyRotation(true);
      applyFilters();
      showControls();
      var b = state.bounds;
      if (b) osd.viewport.fitBounds(new OpenSeadragon.Rect(b.x, b.y, b.width, b.height), true);
      else osd.viewport.goHome(true);
    }

    function fitWidth() {
      // Quarter turns swap what is "across": fit the image's height to the view's width.
      var sideways = ((state.steps % 2) + 2) % 2 === 1;
      if (sideways) osd.viewport.fitVertically(); else osd.viewport.fitHorizontally();
    }

    function turnTo(n) {
      if (!thumbs.length || n < 1 || n > total || n === current) return;
      keep();
      var thumb = thumbs[n - 1];
      current = n;
      var id = thumb.dataset.imageId;
      state = states[id] || (states[id] = stateOf(id));
      figure.dataset.page = String(n);
      figure.dataset.imageId = id;
      figure.dataset.infoUrl = thumb.dataset.infoUrl;
      figure.dataset.textUrl = thumb.dataset.textUrl;
      figure.dataset.state = "loading";
      thumbs.forEach(function (t, i) {
        if (i === n - 1) t.setAttribute("aria-current", "page"); else t.removeAttribute("aria-current");
      });
      thumb.scrollIntoView({ block: "nearest", inline: "nearest" });
      var values = { n: n, total: total };
      if (label) label.textContent = fill(figure.dataset.msgPage, values);
      canvas.setAttribute("aria-label", fill(figure.dataset.msgScan, values));
      if (prev) prev.disabled = n === 1;
      if (next) next.disabled = n === total;
      figure.dispatchEvent(new CustomEvent("viewer:page", {
        bubbles: true, detail: { page: n, imageId: id, textUrl: thumb.dataset.textUrl }
      }));
      osd.open(thumb.dataset.infoUrl);
      if (store()) remember("item:" + figure.dataset.pageId, n);
    }

    var actions = {
      "zoom-in": function () { osd.viewport.zoomBy(1.4); osd.viewport.applyConstraints(); },
      "zoom-out": function () { osd.viewport.zoomBy(1 / 1.4); osd.viewport.applyConstraints(); },
      "fit-page": function () { osd.viewport.goHome(); },
      "fit-width": fitWidth,
      "rotate-left": function () { state.steps = (state.steps + 3) % 4; applyRotation(); },
      "rotate-right": function () { state.steps = (state.steps + 1) % 4; applyRotation(); },
      "invert": function () { state.invert = !state.invert; applyFilters(); },
      "reset": function () {
        var kept = fresh();
        Object.keys(kept).forEach(function (k) { state[k] = kept[k]; });
        showControls(); applyRotation(); applyFilters(); osd.viewport.goHome();
      },
      "page-prev": function () { turnTo(current - 1); },
      "page-next": function () { turnTo(current + 1); }
    };

    figure.addEventListener("click", function (event) {
      var thumb = event.target.closest(".viewer-thumb");
      if (thumb) {
        event.preventDefault(); // without script the link opens the web-size image
        turnTo(parseInt(thumb.dataset.page, 10));
        return;
      }
      var button = event.target.closest("[data-action]");
      if (button && actions[button.dataset.action]) actions[button.dataset.action]();
    });
    toolbar.addEventListener("input", function (event) {
      var control = event.target.dataset.control;
      var value = parseFloat(event.target.value);
      if (control === "fine-rotation") { state.fine = value; applyRotation(); }
      if (control === "brightness") { state.brightness = value; applyFilters(); }
      if (control === "contrast") { state.contrast = value; applyFilters(); }
    });

    figure.dataset.rotation = "0";
    figure.dataset.invert = "false";
    return { figure: figure, actions: actions, turnTo: turnTo, pages: total };
  }

  var KEYS = {
    "+": "zoom-in", "=": "zoom-in", "-": "zoom-out", "_": "zoom-out", "0": "fit-page",
    "w": "fit-width", "W": "fit-width", "r": "rotate-right", "R": "rotate-left",
    "i": "invert", "I": "invert"
  };
  var PAGE_KEYS = { PageUp: "page-prev", PageDown: "page-next" };

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (!viewers.length) return;
    var target = viewers[viewers.length - 1];
    var name = PAGE_KEYS[event.key];
    if (name) {
      if (target.pages < 2 || keepsPageKeys(event.target)) return;
    } else {
      name = KEYS[event.key];
      if (!name || typing(event.target)) return;
    }
    // Shift+R rotates left; a lone "r" rotates right (event.key is already case-aware).
    target.actions[name]();
    event.preventDefault();
    event.stopPropagation();
  }, true);

  function init() {
    if (typeof OpenSeadragon === "undefined") return; // the fallback image stays
    document.querySelectorAll("figure.viewer").forEach(function (figure) {
      if (!figure.viewer) viewers.push(setup(figure));
    });
  }

  window.crowdcatViewer = { init: init, viewers: viewers };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
