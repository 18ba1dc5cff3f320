/* Wishes of the registration form: a search box that filters the buyers and planned contracts
 * (case and accents ignored) and opens the groups that match; the contracts that fit the
 * activity typed above are moved first. Without JavaScript the box stays
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
    function remember() {
      groups.forEach(function (group) {
        if (group.dataset.wasOpen === undefined) { group.dataset.wasOpen = group.open ? "1" : ""; }
      });
    }
    remember();

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
    suggestByActivity(fieldset, function () {
      groups = Array.prototype.slice.call(fieldset.querySelectorAll("details.wish-group"));
      remember();
      apply();
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // never submits the whole form
    });
  }

  /* Matching contracts first: when the CPV codes or keywords typed above change, ask the server
   * which planned contracts fit (the shared matching rule) and move them, checkbox and all, to
   * a group at the top. */
  function suggestByActivity(fieldset, done) {
    var url = fieldset.getAttribute("data-suggest-url");
    var cpv = document.getElementById("id_cpv_codes");
    var keywords = document.getElementById("id_keywords");
    if (!url || !cpv || !window.fetch) { return; }
    var group = fieldset.querySelector("details.wish-suggested");
    var timer = null;

    function topGroup() {
      if (group) { return group; }
      group = document.createElement("details");
      group.className = "wish-group wish-suggested";
      group.open = true;
      var summary = document.createElement("summary");
      group.appendChild(summary);
      var list = document.createElement("ul");
      list.className = "wish-contracts";
      group.appendChild(list);
      var first = fieldset.querySelector("details.wish-group");
      if (first) { first.parentNode.insertBefore(group, first); } else { fieldset.appendChild(group); }
      return group;
    }

    function refresh() {
      var query = "?cpv=" + encodeURIComponent(cpv.value) +
        "&mots=" + encodeURIComponent(keywords ? keywords.value : "");
      fetch(url + query, { headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { ids: [] }; })
        .then(function (data) {
          if (!data.ids || !data.ids.length) { return; }
          var target = topGroup();
          var list = target.querySelector("ul");
          data.ids.forEach(function (id) {
            var box = document.getElementById("id_wish_contract_" + id);
            var item = box ? box.closest("[data-wish-item]") : null;
            if (item && item.parentNode !== list) { list.appendChild(item); }
          });
          var count = list.querySelectorAll("[data-wish-item]").length;
          target.querySelector("summary").textContent =
            fieldset.getAttribute("data-suggest-title").replace("{n}", String(count));
          done();
        })
        .catch(function () { /* the groups below still hold every contract */ });
    }

    function later() { clearTimeout(timer); timer = setTimeout(refresh, 400); }
    cpv.addEventListener("change", later);
    if (keywords) { keywords.addEventListener("change", later); }
  }

  document.querySelectorAll("[data-wish-search]").forEach(enhance);
})();
