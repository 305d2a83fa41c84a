/* Admin pages list: a header checkbox ticks every page shown. */
(function () {
  "use strict";
  document.querySelectorAll("[data-toggle-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.querySelectorAll("input[name='" + box.dataset.toggleAll + "']").forEach(function (b) {
        b.checked = box.checked;
      });
    });
  });
})();
