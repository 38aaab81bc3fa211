// Every page: the menu on narrow screens, and the words a search found, marked on arrival.
// Without JavaScript the menu stays open and nothing else changes.
(function () {
  "use strict";

  // --- menu ----------------------------------------------------------------------------
  var button = document.querySelector(".menu-toggle");
  var nav = document.getElementById("main-nav");
  if (button && nav) {
    document.documentElement.classList.add("has-menu");
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("open", open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("open")) {
        button.setAttribute("aria-expanded", "false");
        nav.classList.remove("open");
        button.focus();
      }
    });
  }

  // --- search hits ---------------------------------------------------------------------
  // A result of the site search links here with ?highlight=words: mark them in the text and
  // bring the first one after the linked passage into view.
  var wanted = new URLSearchParams(location.search).get("highlight");
  var main = document.getElementById("main");
  if (!wanted || !main) return;
  var words = wanted.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 1; });
  if (!words.length) return;
  var escaped = words.map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
  var source = "(^|[^\\p{L}\\p{N}])(" + escaped.join("|") + ")";
  var pattern = new RegExp(source, "giu");
  var probe = new RegExp(source, "iu");  // no /g: test() keeps no state between nodes
  var walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT, {
    acceptNode: function (node) {
      var parent = node.parentElement;
      if (!parent || parent.closest("script, style, svg, mark, nav")) return NodeFilter.FILTER_REJECT;
      return probe.test(node.data) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
    }
  });
  var nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  var marks = [];
  nodes.forEach(function (node) {
    var text = node.data;
    var fragment = document.createDocumentFragment();
    var last = 0;
    text.replace(pattern, function (match, before, word, offset) {
      var start = offset + before.length;
      fragment.appendChild(document.createTextNode(text.slice(last, start)));
      var mark = document.createElement("mark");
      mark.className = "search-hit";
      mark.textContent = word;
      fragment.appendChild(mark);
      marks.push(mark);
      last = start + word.length;
      return match;
    });
    fragment.appendChild(document.createTextNode(text.slice(last)));
    node.parentNode.replaceChild(fragment, node);
  });
  if (!marks.length) return;
  var target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
  var first = marks[0];
  if (target) {
    for (var i = 0; i < marks.length; i += 1) {
      if (target.contains(marks[i]) ||
          target.compareDocumentPosition(marks[i]) & Node.DOCUMENT_POSITION_FOLLOWING) {
        first = marks[i];
        break;
      }
    }
  }
  first.classList.add("current");
  first.setAttribute("tabindex", "-1");
  first.scrollIntoView({ block: "center" });
  first.focus({ preventScroll: true });
})();
