/* Planning grid: after htmx redraws a row, put the keyboard focus on the message shown next to
   the cell, so the user sees (and hears) the outcome where they acted. */
document.addEventListener("htmx:afterSettle", function () {
  var target = document.querySelector("[data-planning-focus]");
  if (target) {
    target.removeAttribute("data-planning-focus");
    target.focus({ preventScroll: false });
  }
});

/* Buttons that start a long action (compute, fill, publish) are disabled once clicked, so a
   second click never starts a second run. */
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches("[data-submit-once]")) return;
  if (form.dataset.submitted) {
    event.preventDefault();
    return;
  }
  form.dataset.submitted = "true";
  window.setTimeout(function () {
    form.querySelectorAll("button").forEach(function (button) {
      button.disabled = true;
      button.setAttribute("aria-disabled", "true");
    });
  }, 0);
});
