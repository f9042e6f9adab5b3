// The answer editor on a comment's page.
//   A template button inserts its text (filled in for this comment) at the
//   cursor, to be edited before sending.
//   A macro button inserts its text the same way and says, under the answer,
//   what sending it does (publish then hide, or close).
//   Ctrl+Enter (or Cmd+Enter) in the answer sends it.
//   n (outside a text field) opens the next comment.
// No inline script or style: the page's Content-Security-Policy forbids them.
(function () {
  "use strict";

  function insert(textarea, text) {
    var start = textarea.selectionStart || 0;
    var end = textarea.selectionEnd || 0;
    var before = textarea.value.slice(0, start);
    var after = textarea.value.slice(end);
    textarea.value = before + text + after;
    var cursor = before.length + text.length;
    textarea.focus();
    textarea.setSelectionRange(cursor, cursor);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".insert-template");
    if (!button) return;
    var textarea = document.getElementById("body");
    if (!textarea) return;
    insert(textarea, button.dataset.body);
    var chosen = document.getElementById("answer-template");
    if (chosen) chosen.value = button.dataset.template || "";
    // A macro also says what sending it does; a template puts that back.
    var macro = document.getElementById("answer-macro");
    if (macro) macro.value = button.dataset.macro || "";
    var preview = document.getElementById("answer-preview");
    if (preview) {
      preview.textContent = button.dataset.macro ?
        button.dataset.preview : preview.dataset.preview;
    }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) &&
        target.id === "body") {
      event.preventDefault();
      var form = target.form;
      if (form.reportValidity()) form.requestSubmit();
      return;
    }
    if (target.matches("input, textarea, select, [contenteditable], dialog *") ||
        event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "n") {
      var next = document.getElementById("next-comment");
      if (next) {
        event.preventDefault();
        window.location.assign(next.href);
      }
    }
  });
})();
