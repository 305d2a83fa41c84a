/* crowdcat scan viewer: OpenSeadragon over the page's IIIF service, with rotate,
   fit width, brightness/contrast and invert. Keys never fire while typing in a field.
   Each <figure class="viewer"> gets `figure.viewer` (the OpenSeadragon viewer) and reports
   its state in data-state (loading|ready|error), data-rotation and data-invert. */
(function () {
  "use strict";
  if (window.crowdcatViewer) return; // the macro may be used more than once on a page

  var viewers = [];

  function typing(target) {
    if (!target || !target.closest) return false;
    return !!target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']");
  }

  function setup(figure) {
    var canvas = figure.querySelector(".viewer-canvas");
    var fallback = figure.querySelector(".viewer-fallback");
    var toolbar = figure.querySelector(".viewer-toolbar");
    var state = { steps: 0, fine: 0, brightness: 100, contrast: 100, invert: false };

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
      if (fallback) fallback.remove();
      toolbar.hidden = false;
      var keys = figure.querySelector(".viewer-keys");
      if (keys) keys.hidden = false;
    });
    osd.addHandler("tile-drawn", function () {
      if (figure.dataset.state !== "ready") figure.dataset.state = "ready";
    });
    osd.addHandler("open-failed", function () {
      figure.dataset.state = "error"; // the fallback image (if any) stays visible
    });

    function rotation() { return state.steps * 90 + state.fine; }

    function applyRotation() {
      osd.viewport.setRotation(rotation());
      figure.dataset.rotation = String(rotation());
    }

    function applyFilters() {
      var filter = "brightness(" + state.brightness / 100 + ") contrast(" + state.contrast / 100 + ")";
      if (state.invert) filter += " invert(1)";
      osd.canvas.style.filter = filter;
      figure.dataset.invert = String(state.invert);
      var button = figure.querySelector("[data-action=invert]");
      if (button) button.setAttribute("aria-pressed", String(state.invert));
    }

    function fitWidth() {
      // Quarter turns swap what is "across": fit the image's height to the view's width.
      var sideways = ((state.steps % 2) + 2) % 2 === 1;
      if (sideways) osd.viewport.fitVertically(); else osd.viewport.fitHorizontally();
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
        state = { steps: 0, fine: 0, brightness: 100, contrast: 100, invert: false };
        figure.querySelectorAll("input[type=range]").forEach(function (input) {
          input.value = input.defaultValue;
        });
        applyRotation(); applyFilters(); osd.viewport.goHome();
      }
    };

    toolbar.addEventListener("click", function (event) {
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
    return { figure: figure, actions: actions };
  }

  var KEYS = {
    "+": "zoom-in", "=": "zoom-in", "-": "zoom-out", "_": "zoom-out", "0": "fit-page",
    "w": "fit-width", "W": "fit-width", "r": "rotate-right", "R": "rotate-left",
    "i": "invert", "I": "invert"
  };

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target) || !viewers.length) return;
    var name = KEYS[event.key];
    if (!name) return;
    // Shift+R rotates left; a lone "r" rotates right (event.key is already case-aware).
    var target = viewers[viewers.length - 1];
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
