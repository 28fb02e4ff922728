// Conversation page: keep the newest message in view, keep the reading position when older
// messages load above, and never show a message twice (a poll and a send may both bring it).
(function () {
  function thread() { return document.getElementById("az-thread"); }
  function nearBottom(el) { return el.scrollHeight - el.scrollTop - el.clientHeight < 120; }
  function toBottom() { var el = thread(); if (el) el.scrollTop = el.scrollHeight; }
  function dedupe() {
    var seen = {};
    document.querySelectorAll("#az-thread [id^='m']").forEach(function (n) {
      if (seen[n.id]) n.remove(); else seen[n.id] = true;
    });
    var empty = document.getElementById("az-empty");
    if (empty && document.querySelector("#az-thread [id^='m']")) empty.remove();
  }
  var stick = true, olderHeight = null;
  document.addEventListener("DOMContentLoaded", toBottom);
  document.addEventListener("htmx:beforeSwap", function (e) {
    var el = thread(); if (!el) return;
    stick = nearBottom(el);
    if (e.detail.target && e.detail.target.id === "az-older") olderHeight = el.scrollHeight - el.scrollTop;
  });
  document.addEventListener("htmx:afterSettle", function () {
    var el = thread(); if (!el) return;
    dedupe();
    if (olderHeight !== null) { el.scrollTop = el.scrollHeight - olderHeight; olderHeight = null; }
    else if (stick) toBottom();
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    if (e.detail.elt && e.detail.elt.id === "az-composer" && e.detail.successful) { stick = true; }
  });
})();
