/* Small behaviours of the whole site. No inline script anywhere: the Content-Security-Policy
   allows scripts from our own origin only, so pages mark elements with data-* attributes and
   this file gives them their behaviour. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // <select data-az-autosubmit>: submit the form when the choice changes (language selector).
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches && el.matches("[data-az-autosubmit]") && el.form) el.form.submit();
  });

  // <form data-az-confirm="question?">: ask before submitting.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var question = form.getAttribute && form.getAttribute("data-az-confirm");
    if (question && !window.confirm(question)) e.preventDefault();
  }, true);

  // <div hx-trigger="every …" data-az-visible-only>: poll only while the tab is visible (the page's
  // policy forbids htmx's evaluated trigger filters, so the check lives here).
  document.addEventListener("htmx:beforeRequest", function (e) {
    var el = e.detail && e.detail.elt;
    if (el && el.hasAttribute && el.hasAttribute("data-az-visible-only") && document.visibilityState !== "visible") {
      e.preventDefault();
    }
  });

  // Service gallery: a thumbnail shows its image in the main frame.
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest(".az-gallery-thumbs button");
    if (!btn) return;
    var main = document.getElementById("az-gallery-main");
    if (main) main.src = btn.dataset.full;
    btn.parentNode.querySelectorAll("button").forEach(function (b) {
      b.setAttribute("aria-pressed", b === btn ? "true" : "false");
    });
  });

  // File inputs: list the chosen file names under the styled «انتخاب فایل» button.
  document.addEventListener("change", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches("input[type=file]")) return;
    var list = document.getElementById(input.id + "-names") ||
      (input.closest(".az-file") && input.closest(".az-file").querySelector(".az-file-names"));
    if (!list) return;
    var names = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
    list.textContent = names.length ? names.join("، ") : (list.getAttribute("data-empty") || "");
  });

  ready(function () {
    // <details data-az-fold-mobile open>: folded on phones so results come first;
    // without JavaScript it stays open.
    if (window.matchMedia("(max-width: 991.98px)").matches) {
      document.querySelectorAll("details[data-az-fold-mobile]").forEach(function (d) { d.open = false; });
    }
  });
})();
