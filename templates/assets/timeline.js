// Timeline filter. Without JavaScript the form stays hidden and every entry shows.
(function () {
  "use strict";
  var form = document.getElementById("timeline-filter");
  if (!form) return;
  var output = document.getElementById("timeline-count");
  var boxes = form.querySelectorAll("input[name=category]");
  var entries = document.querySelectorAll("li[data-category]");

  function apply() {
    var on = {};
    boxes.forEach(function (box) { on[box.value] = box.checked; });
    var shown = 0;
    entries.forEach(function (entry) {
      var visible = on[entry.getAttribute("data-category")] !== false;
      entry.hidden = !visible;
      if (visible) shown += 1;
    });
    document.querySelectorAll(".month, section.year, section.era").forEach(function (block) {
      block.hidden = !block.querySelector("li[data-category]:not([hidden])");
    });
    output.textContent = shown + " shown";
  }

  form.hidden = false;
  form.addEventListener("change", apply);
  apply();
})();
