// Presence on a comment's page: htmx asks every few seconds who else has the
// comment open (the #presence paragraph polls itself). Leaving the page says
// so at once, so that colleagues stop seeing you there; while the tab is
// hidden nothing is asked, and coming back asks again.
// No inline script or style: the page's Content-Security-Policy forbids them.
(function () {
  "use strict";

  function leave() {
    var here = document.getElementById("presence");
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (!here || !token || !navigator.sendBeacon) return;
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token.value);
    navigator.sendBeacon(here.dataset.leave, data);
  }

  // htmx's "every" keeps asking from a hidden tab: skip those asks.
  document.addEventListener("htmx:confirm", function (event) {
    if (event.target.id === "presence" && document.visibilityState === "hidden") {
      event.preventDefault();
    }
  });

  document.addEventListener("visibilitychange", function () {
    var here = document.getElementById("presence");
    if (!here || !window.htmx) return;
    if (document.visibilityState === "hidden") {
      leave();
    } else {
      window.htmx.trigger(here, "presence:back");
    }
  });

  window.addEventListener("pagehide", leave);
})();
