/* Review screen: take an alternative with one click, keyboard shortcuts, the help panel.
   Without this script the radio buttons still work: a chosen alternative wins on the server. */
(function () {
  "use strict";
  var form = document.getElementById("approve-form");
  var help = document.getElementById("review-shortcuts");
  var toggle = document.querySelector("[data-shortcuts-toggle]");
  var current = null; // the field (fieldset) the reviewer is working on

  function fields() { return form ? Array.prototype.slice.call(form.querySelectorAll(".review-field")) : []; }
  function box(field) { return field.querySelector(".review-value"); }
  function typing(el) {
    return el && (el.tagName === "TEXTAREA" || el.tagName === "SELECT" ||
      (el.tagName === "INPUT" && !/^(radio|checkbox|button|submit)$/.test(el.type)));
  }

  function take(radio) {
    var field = radio.closest(".review-field");
    var input = box(field);
    if (!input || input.disabled) { return; }
    var value = radio.getAttribute("data-value") || "";
    if (input.tagName === "SELECT" && value && !Array.prototype.some.call(input.options, function (o) { return o.value === value; })) {
      input.add(new Option(value, value));
    }
    input.value = value;
    radio.checked = true;
    field.classList.add("taken");
  }

  function focusField(field) {
    if (!field) { return; }
    current = field;
    var input = box(field);
    (input && !input.disabled ? input : field).focus();
  }

  function toggleHelp(show) {
    if (!help) { return; }
    var visible = typeof show === "boolean" ? show : help.hidden;
    help.hidden = !visible;
    if (toggle) { toggle.setAttribute("aria-expanded", String(visible)); }
  }

  function submitWith(name) {
    var button = form && form.querySelector('[data-shortcut="' + name + '"]');
    if (button && !button.disabled) { form.requestSubmit(button); }
  }

  if (form) {
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.type === "radio" && target.hasAttribute("data-value")) { take(target); }
    });
    form.addEventListener("input", function (event) {
      var field = event.target.closest(".review-field");
      if (!field || !event.target.classList.contains("review-value")) { return; }
      // The reviewer typed: the box is the decision now, not an alternative.
      var own = field.querySelector('input[type=radio][value=""]');
      if (own) { own.checked = true; }
      field.classList.remove("taken");
    });
    form.addEventListener("focusin", function (event) {
      var field = event.target.closest(".review-field");
      if (field) { current = field; }
    });
  }
  if (toggle) { toggle.addEventListener("click", function () { toggleHelp(); }); }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.altKey && !event.ctrlKey && !event.metaKey) {
      var handled = true;
      switch (event.code) {
        case "KeyA": submitWith("approve"); break;
        case "KeyN": submitWith("next"); break;
        case "KeyJ": case "KeyK": {
          var list = fields();
          var at = list.indexOf(current);
          focusField(list[Math.min(Math.max(at + (event.code === "KeyJ" ? 1 : -1), 0), list.length - 1)]);
          break;
        }
        default: handled = false;
      }
      if (handled) { event.preventDefault(); }
      return;
    }
    if (event.ctrlKey || event.metaKey) { return; }
    if (event.key === "Escape" && typing(target) && target.closest(".review-field")) {
      target.closest(".review-field").focus();
      return;
    }
    if (typing(target)) { return; }
    if (event.key === "?") { toggleHelp(); event.preventDefault(); return; }
    // Number keys only while working in a field, so that they never clash with the viewer's keys.
    var field = target.closest && target.closest(".review-field");
    if (/^Digit[1-9]$/.test(event.code) && field) {
      var radios = field.querySelectorAll("input[type=radio][data-value]");
      var radio = radios[Number(event.code.slice(5)) - 1];
      if (radio && !radio.disabled) { take(radio); radio.focus(); event.preventDefault(); }
    }
  });

  // Start on the first field that needs a decision.
  if (form && !document.querySelector(".review-alert")) {
    focusField(form.querySelector(".review-field.has-error, .review-field.in-conflict") || fields()[0]);
  }
})();
