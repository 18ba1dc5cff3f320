/* The registration form's wish picker (companies/_field.html). htmx (vendored) fetches the
 * search results and the contracts close to the activity typed; this file keeps what is
 * chosen: a contract ticked among the proposals or the results moves to "Vos marchés
 * choisis", so that a new search never drops it, and a checkbox shown twice keeps one copy.
 * Without JavaScript the "Rechercher" and page buttons post the whole form, shown again with
 * the results (nothing saved, nothing typed lost). */
(function () {
  "use strict";

  var picker = document.querySelector("[data-wish-picker]");
  if (!picker) { return; }
  var chosen = picker.querySelector("[data-wish-chosen]");
  var none = picker.querySelector("[data-wish-none]");
  var status = picker.querySelector("[data-wish-status]");
  var input = picker.querySelector("#id_wish_q");
  var button = picker.querySelector("[data-wish-search-button]");

  function boxes(value) {
    return picker.querySelectorAll('input[name="wish_contracts"][value="' + value + '"]');
  }

  function nextBox(item) {
    var all = Array.prototype.slice.call(picker.querySelectorAll('input[name="wish_contracts"]'));
    var own = item.querySelector("input");
    var after = all.slice(all.indexOf(own) + 1).filter(function (box) {
      return !chosen.contains(box);
    });
    return after.length ? after[0] : input;
  }

  picker.addEventListener("change", function (event) {
    var box = event.target;
    if (box.name !== "wish_contracts" || !box.checked || chosen.contains(box)) { return; }
    var item = box.closest("[data-wish-item]");
    if (!item) { return; }
    var focus = nextBox(item);
    var label = item.querySelector("label");
    var already = chosen.querySelector('input[value="' + box.value + '"]');
    if (already) {
      already.checked = true;
      item.parentNode.removeChild(item);
    } else {
      chosen.appendChild(item);
    }
    none.hidden = true;
    status.textContent = picker.getAttribute("data-added")
      .replace("{label}", label ? label.firstChild.textContent.trim() : box.value);
    if (focus) { focus.focus(); }
  });

  /* A fragment just drawn: a contract already shown elsewhere loses this second checkbox. */
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !picker.contains(target)) { return; }
    target.querySelectorAll('input[name="wish_contracts"]').forEach(function (box) {
      if (boxes(box.value).length > 1) {
        var item = box.closest("[data-wish-item]");
        if (item) { item.parentNode.removeChild(item); }
      }
    });
    /* One line read out (how many found), not the whole list: the lists are not live. */
    var summary = target.querySelector("h3, p");
    if (summary) { status.textContent = summary.textContent.replace(/\s+/g, " ").trim(); }
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (source && source.hasAttribute("data-wish-page")) {
      var title = target.querySelector("[data-wish-results-title]");
      if (title) { title.focus(); }
    }
  });

  /* Enter in the search box searches (htmx answers the button's click) instead of sending
   * the whole registration. */
  if (input && button) {
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        button.click();
      }
    });
  }
})();
