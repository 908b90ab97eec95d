// Recipient cards, progressive enhancement: a "Print" button beside the browser's own
// Print menu (which is all the page needs without JavaScript).
(function () {
  "use strict";
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
