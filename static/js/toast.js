// An "Undo" toast removes itself once its seconds are over: the server
// refuses the undo by then anyway.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".toast[data-seconds]").forEach(function (toast) {
      var seconds = parseInt(toast.dataset.seconds, 10) || 0;
      window.setTimeout(function () { toast.remove(); }, seconds * 1000);
    });
  });
})();
