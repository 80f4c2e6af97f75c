// The canned-reply picker (agents/templates/agents/_canned_picker.html): "Sisipkan" puts
// the chosen reply, already filled for this ticket, into its text box at the cursor.
// The text stays editable; nothing is sent until the form's own button is pressed.
(function () {
  "use strict";
  function insert(box, text) {
    var start = box.selectionStart, end = box.selectionEnd;
    if (typeof start !== "number") { start = end = box.value.length; }
    var before = box.value.slice(0, start), after = box.value.slice(end);
    var joined = before && !/\s$/.test(before) ? before + "\n" : before;
    box.value = joined + text + after;
    var cursor = joined.length + text.length;
    box.focus();
    box.setSelectionRange(cursor, cursor);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }
  document.querySelectorAll(".canned-picker").forEach(function (picker) {
    var button = picker.querySelector(".canned-insert");
    var choice = picker.querySelector(".canned-choice");
    var box = document.getElementById(picker.getAttribute("data-target"));
    if (!button || !choice || !box) { return; }
    button.addEventListener("click", function () {
      var option = choice.options[choice.selectedIndex];
      if (option) { insert(box, option.getAttribute("data-text") || ""); }
    });
  });
})();
