// Prayer-update sends: refresh the progress bar while a send is running.
// Progressive enhancement only: without this script the page shows the counts and a
// "Refresh" link.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box || !window.fetch) { return; }
  document.documentElement.classList.add("js");
  var bar = box.querySelector("progress");
  var running = { sending: true, paused: true };
  var delay = 3000;

  function show(data) {
    Object.keys(data).forEach(function (key) {
      var el = box.querySelector('[data-count="' + key + '"]');
      if (el) {
        // Counts in the page's language, as the server writes them (1,234).
        el.textContent = typeof data[key] === "number"
          ? data[key].toLocaleString(document.documentElement.lang || undefined)
          : String(data[key]);
      }
    });
    if (bar) {
      bar.max = data.total || 1;
      bar.value = data.done;
      bar.textContent = data.percent + "%";
    }
    if (data.status !== box.getAttribute("data-status")) {
      // The send finished (or was paused elsewhere): reload for the right buttons.
      window.location.reload();
    }
  }

  function poll() {
    fetch(box.getAttribute("data-progress-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data) { show(data); }
        if (data && running[data.status]) { window.setTimeout(poll, delay); }
      })
      .catch(function () { window.setTimeout(poll, delay * 4); });
  }

  if (running[box.getAttribute("data-status")]) { window.setTimeout(poll, delay); }
})();
