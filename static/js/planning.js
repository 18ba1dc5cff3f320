/* Planning grid: after htmx redraws a row, put the keyboard focus on the message shown next to
   the cell, so the user sees (and hears) the outcome where they acted. */
document.addEventListener("htmx:afterSettle", function () {
  var target = document.querySelector("[data-planning-focus]");
  if (target) {
    target.removeAttribute("data-planning-focus");
    target.focus({ preventScroll: false });
  }
});
