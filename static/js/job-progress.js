// Background job page: refresh the progress block until the job is finished.
// Without JavaScript, a <noscript> meta refresh and an "Actualiser" link do the same.
(function () {
  "use strict";
  function schedule() {
    var block = document.getElementById("job-progress");
    if (!block || !block.dataset.refreshUrl) return;
    var seconds = parseInt(block.dataset.refreshSeconds || "2", 10);
    window.setTimeout(function () {
      fetch(block.dataset.refreshUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          block.outerHTML = html;
          var next = document.getElementById("job-progress");
          if (next && next.dataset.nextUrl) { window.location.assign(next.dataset.nextUrl); return; }
          schedule();
        })
        .catch(function () { schedule(); });
    }, seconds * 1000);
  }
  // A form whose submit button must not be pressed twice (the server refuses a second run too).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-once]")) return;
    if (form.dataset.submitted) { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = true;
      button.setAttribute("aria-disabled", "true");
    });
  });
  // Back to a page kept by the browser (back button): its once-forms may be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-once][data-submitted]").forEach(function (form) {
      delete form.dataset.submitted;
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-disabled");
      });
    });
  });
  schedule();
})();
