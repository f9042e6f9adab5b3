// Keyboard triage in the inbox: j/k move, Enter or a open, c claim, ? help.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("#inbox .inbox-row"));
  var current = -1;

  function select(index) {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach(function (row, i) { row.classList.toggle("selected", i === current); });
    rows[current].focus();
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target.matches("input, textarea, select") || event.ctrlKey || event.metaKey || event.altKey) return;
    var row = rows[current];
    switch (event.key) {
      case "j": select(current + 1); break;
      case "k": select(current - 1); break;
      case "Enter":
      case "a": if (row) window.location.assign(row.dataset.url); break;
      case "c":
        if (row) {
          var form = row.querySelector(".claim-form");
          if (form) form.submit();
        }
        break;
      case "?":
        var help = document.getElementById("help");
        if (help && help.showModal) help.showModal();
        break;
      default: return;
    }
    event.preventDefault();
  });
})();
