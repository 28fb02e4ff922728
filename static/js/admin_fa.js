/* Persian digits in the admin's own counters and captions («۰ از ۴ انتخاب شده‌اند», «۱۵ کاربر»),
   including the ones Django's actions.js rewrites as boxes are ticked. Values staff may copy
   (emails, keys, codes with Latin letters) and form fields are left alone. */
(function () {
  "use strict";
  var FA = "۰۱۲۳۴۵۶۷۸۹";
  var SKIP = /^(INPUT|TEXTAREA|SELECT|OPTION|CODE|PRE|SCRIPT|STYLE)$/;
  function persian(text) {
    // Only numbers standing alone: not part of a word, an email, a key or a URL.
    return text.replace(/(^|[\s(«:،؛\/#\u200c-]|[\u0600-\u06ff])(\d[\d,]*)(?=$|[\s)»:،؛.\u200c]|[\u0600-\u06ff])/g, function (m, before, digits) {
      return before + digits.replace(/,/g, "٬").replace(/\d/g, function (d) { return FA[d]; });
    });
  }
  function walk(root) {
    if (!root) return;
    var it = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        for (var el = node.parentElement; el && el !== root.parentElement; el = el.parentElement) {
          if (SKIP.test(el.tagName) || el.isContentEditable) return NodeFilter.FILTER_REJECT;
        }
        return /\d/.test(node.nodeValue) && !/[A-Za-z@]/.test(node.nodeValue) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
      }
    });
    var nodes = [];
    while (it.nextNode()) nodes.push(it.currentNode);
    nodes.forEach(function (n) { var t = persian(n.nodeValue); if (t !== n.nodeValue) n.nodeValue = t; });
  }
  function start() {
    var content = document.getElementById("content") || document.body;
    walk(content);
    walk(document.getElementById("nav-sidebar"));
    document.querySelectorAll(".action-counter").forEach(function (counter) {
      new MutationObserver(function () { walk(counter); }).observe(counter, {childList: true, characterData: true, subtree: true});
    });
  }
  if (document.readyState !== "loading") start(); else document.addEventListener("DOMContentLoaded", start);
})();
