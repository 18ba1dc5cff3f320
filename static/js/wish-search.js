/* Wishes of the registration form: a search box that filters the buyers and planned contracts
 * (case and accents ignored) and opens the groups that match. Without JavaScript the box stays
 * hidden and every group is a <details> the company opens itself. */
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function enhance(fieldset) {
    var box = fieldset.querySelector(".wish-search");
    var input = fieldset.querySelector("#id_wish_search");
    var status = fieldset.querySelector("#id_wish_search_status");
    if (!box || !input) { return; }
    box.hidden = false;
    var groups = Array.prototype.slice.call(fieldset.querySelectorAll("details.wish-group"));
    groups.forEach(function (group) { group.dataset.wasOpen = group.open ? "1" : ""; });

    function apply() {
      var words = fold(input.value).split(/\s+/).filter(function (w) { return w.length > 0; });
      var found = 0;
      groups.forEach(function (group) {
        var summary = group.querySelector("summary");
        var groupText = fold(summary ? summary.textContent : "");
        var items = Array.prototype.slice.call(group.querySelectorAll("[data-wish-item]"));
        var any = false;
        items.forEach(function (item) {
          var text = groupText + " " + fold(item.textContent);
          var hit = words.every(function (w) { return text.indexOf(w) !== -1; });
          item.hidden = words.length > 0 && !hit;
          if (hit && words.length) { any = true; found += 1; }
        });
        if (!words.length) {
          group.hidden = false;
          group.open = group.dataset.wasOpen === "1" || group.querySelector("input:checked") !== null;
        } else {
          group.hidden = !any;
          group.open = any;
        }
      });
      if (!words.length) {
        status.textContent = "";
      } else if (found) {
        status.textContent = input.dataset.found.replace("{n}", String(found));
      } else {
        status.textContent = input.dataset.none;
      }
    }

    input.addEventListener("input", apply);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // never submits the whole form
    });
  }

  document.querySelectorAll("[data-wish-search]").forEach(enhance);
})();
