/* Staff pages, progressive enhancement only: everything works without this file.
 * Forms marked data-warn-unsaved ask before the page is left with unsaved typing. A form
 * shown again after a preview or an error (data-warn-unsaved="dirty") holds unsaved text
 * from the start. */
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-warn-unsaved]");
  if (!forms.length) { return; }
  var dirty = false;
  var submitting = false;
  forms.forEach(function (form) {
    if (form.getAttribute("data-warn-unsaved") === "dirty") { dirty = true; }
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { submitting = true; });
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  /* After a preview, bring it into view (the server already put it above the form). */
  var preview = document.getElementById("preview");
  if (preview && !document.querySelector(".error-summary")) { preview.focus(); }
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
