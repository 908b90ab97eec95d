// Comments, progressive enhancement: "Reply" moves the form under the comment instead of
// reloading the page (without JavaScript the link's ?replytocom= does the same on the server).
(function () {
  "use strict";
  var respond = document.getElementById("respond");
  if (!respond) return;
  var home = document.createComment("respond-home");
  respond.parentNode.insertBefore(home, respond);
  var parentField = respond.querySelector("[data-parent-field]");
  var title = document.getElementById("respond-title");
  var cancel = respond.querySelector(".cancel-reply");
  var defaultTitle = title ? title.getAttribute("data-default") || "" : "";
  var textarea = respond.querySelector("textarea");

  function replyTo(link) {
    var item = link.closest("li.comment");
    if (!item || !parentField) return false;
    item.appendChild(respond);
    parentField.value = link.getAttribute("data-reply-to");
    if (title) title.textContent = link.getAttribute("data-reply-title") || title.textContent;
    if (cancel) cancel.hidden = false;
    if (textarea) textarea.focus();
    return true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-reply-to]");
    if (link && replyTo(link)) {
      event.preventDefault();
      return;
    }
    var back = event.target.closest("a[data-cancel-reply]");
    if (back) {
      event.preventDefault();
      home.parentNode.insertBefore(respond, home.nextSibling);
      if (parentField) parentField.value = "";
      if (title && defaultTitle) title.textContent = defaultTitle;
      if (cancel) cancel.hidden = true;
    }
  });
})();
