// The site menu folds behind a button on a phone. Without this script the
// navigation stays on the page, wrapped, and the filters fold by <details>.
(function () {
  "use strict";
  var button = document.querySelector(".menu-button");
  if (button) {
    document.documentElement.classList.add("has-menu");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
    });
  }
  // On a desk the filters open at once; on a phone they wait for a tap.
  if (window.matchMedia("(min-width: 37.5rem)").matches) {
    document.querySelectorAll("details.filters").forEach(function (box) {
      box.open = true;
    });
  }
})();
