// Keyboard triage in the inbox.
//   j / k       next / previous comment
//   x           select the comment for a bulk action
//   Enter, a    open the comment to answer it
//   c           claim it
//   e           escalate the selected comments (or this one), with a reason
//   h           hide the selected comments (or this one), with a reason
//   ?           help
// The table refreshes itself (htmx); the cursor and the selection survive it.
(function () {
  "use strict";
  var current = null; // data-id of the row under the cursor
  var selected = new Set(); // data-ids of the selected rows, across refreshes

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#inbox .inbox-row"));
  }

  function indexOfCurrent(list) {
    for (var i = 0; i < list.length; i++) {
      if (list[i].dataset.id === current) return i;
    }
    return -1;
  }

  function show(list, index) {
    if (!list.length) return;
    index = Math.max(0, Math.min(list.length - 1, index));
    current = list[index].dataset.id;
    list.forEach(function (row, i) { row.classList.toggle("selected", i === index); });
    list[index].focus();
  }

  function checked() {
    return Array.prototype.slice.call(document.querySelectorAll("#inbox .select-row:checked"));
  }

  function remember(box) {
    if (box.checked) selected.add(box.value); else selected.delete(box.value);
  }

  function updateCount() {
    var label = document.querySelector(".selected-count");
    if (!label) return;
    var count = checked().length;
    label.textContent = count ? label.dataset.some + " " + count : label.dataset.none;
  }

  // Bulk actions apply to the selected rows, or to the row under the cursor.
  function ensureSelection() {
    if (checked().length) return true;
    var list = rows();
    var row = list[indexOfCurrent(list)];
    if (!row) return false;
    var box = row.querySelector(".select-row");
    box.checked = true;
    remember(box);
    updateCount();
    return true;
  }

  // Closing, hiding and escalating all need a reason: one dialog asks for it,
  // worded after the toolbar button that opened it.
  function openReason(buttonId) {
    var dialog = document.getElementById("reason-dialog");
    var button = document.getElementById(buttonId);
    if (!dialog || !button || !ensureSelection()) return;
    document.getElementById("reason-title").textContent = button.dataset.title;
    document.getElementById("reason-label").textContent = button.dataset.label;
    var submit = document.getElementById("reason-submit");
    submit.value = button.dataset.action;
    submit.textContent = button.dataset.submit;
    // The dialog names how many comments the action touches before it runs.
    var count = document.getElementById("reason-count");
    if (count) {
      var n = checked().length;
      count.textContent = n === 1 ? count.dataset.one
        : count.dataset.many.replace("__count__", String(n));
    }
    dialog.showModal();
    document.getElementById("bulk-reason").focus();
  }

  document.addEventListener("change", function (event) {
    // Filters apply as soon as one changes.
    if (event.target.matches(".inline-filter select")) {
      event.target.form.requestSubmit();
      return;
    }
    if (event.target.matches(".select-row")) {
      remember(event.target);
      updateCount();
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.matches(".reason-action")) openReason(event.target.id);
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target.matches("input[type=text], textarea, select, dialog *") ||
        event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Enter" && target.matches("a, button")) return;
    var list = rows();
    var index = indexOfCurrent(list);
    var row = list[index];
    switch (event.key) {
      case "j": show(list, index + 1); break;
      case "k": show(list, index < 0 ? 0 : index - 1); break;
      case "x":
        if (row) {
          var box = row.querySelector(".select-row");
          box.checked = !box.checked;
          remember(box);
          updateCount();
        }
        break;
      case "Enter":
      case "a": if (row) window.location.assign(row.dataset.url); break;
      case "c":
        if (row) {
          var form = row.querySelector(".claim-form");
          if (form) form.submit();
        }
        break;
      case "e": openReason("bulk-escalate"); break;
      case "h": openReason("bulk-hide"); break;
      case "?":
        var help = document.getElementById("help");
        if (help && help.showModal) help.showModal();
        break;
      default: return;
    }
    event.preventDefault();
  });

  // Keep the cursor and the selection across the periodic refresh: both live
  // here, not in the table that htmx replaces.
  document.addEventListener("htmx:afterSettle", function () {
    var present = new Set();
    document.querySelectorAll("#inbox .select-row").forEach(function (box) {
      box.checked = selected.has(box.value);
      present.add(box.value);
    });
    selected.forEach(function (id) { if (!present.has(id)) selected.delete(id); });
    var list = rows();
    var index = indexOfCurrent(list);
    if (index >= 0) {
      list[index].classList.add("selected");
      if (document.activeElement === document.body) list[index].focus();
    }
    updateCount();
  });
})();
