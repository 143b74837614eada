// Keyboard shortcuts of the review queue: a accept, r reject, c correct, j next, k previous.
// Served from this server (no inline script: the Content-Security-Policy forbids it).
(function () {
  "use strict";
  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var review = document.getElementById("review");
    if (!review) return;
    var key = event.key;
    if (key === "a" || key === "r") {
      var button = document.getElementById(key === "a" ? "accept" : "reject");
      if (button) { event.preventDefault(); button.click(); }
    } else if (key === "c") {
      var details = document.getElementById("correct");
      if (details) {
        event.preventDefault();
        details.open = true;
        var field = details.querySelector("input, select, textarea");
        if (field) field.focus();
      }
    } else if (key === "j" || key === "k") {
      var url = review.dataset[key === "j" ? "next" : "prev"];
      if (url) { event.preventDefault(); window.location.assign(url); }
    }
  });
})();
