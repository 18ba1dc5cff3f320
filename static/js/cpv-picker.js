/* CPV picker: enhances the plain "codes separated by commas" input with a searchable list
 * (ARIA 1.2 combobox pattern) and the chosen codes shown with their labels, each removable.
 * Without JavaScript the text input works alone; the server checks every code. */
(function () {
  "use strict";

  function parseCodes(value) {
    var seen = [];
    value.split(/[\s,;]+/).forEach(function (token) {
      var code = token.split("-")[0];
      if (code && seen.indexOf(code) === -1) { seen.push(code); }
    });
    return seen;
  }

  function enhance(input, index) {
    var wrapper = input.closest("[data-cpv-search-url]");
    if (!wrapper) { return; }
    var url = wrapper.getAttribute("data-cpv-search-url");
    var labels = {};
    var ids = { search: "cpv-search-" + index, list: "cpv-list-" + index, status: "cpv-status-" + index };

    var box = document.createElement("div");
    box.className = "cpv-picker";
    box.innerHTML =
      '<label for="' + ids.search + '">Rechercher une catégorie par mot ou par code</label>' +
      '<div class="cpv-combo">' +
      '<input type="text" id="' + ids.search + '" role="combobox" aria-autocomplete="list" ' +
      'aria-expanded="false" aria-controls="' + ids.list + '" autocomplete="off" ' +
      'placeholder="peinture, nettoyage, 4544…">' +
      '<ul id="' + ids.list + '" role="listbox" class="cpv-options" hidden ' +
      'aria-label="Catégories trouvées"></ul></div>' +
      '<p id="' + ids.status + '" class="visually-hidden" role="status" aria-live="polite"></p>' +
      '<p class="cpv-chosen-title">Catégories choisies :</p>' +
      '<ul class="cpv-chosen"></ul>';
    wrapper.appendChild(box);
    var search = box.querySelector("#" + ids.search);
    var list = box.querySelector("#" + ids.list);
    var status = box.querySelector("#" + ids.status);
    var chosen = box.querySelector(".cpv-chosen");
    var results = [];
    var active = -1;
    var timer = null;
    var lastQuery = "";

    function say(text) { status.textContent = text; }

    function renderChosen() {
      var codes = parseCodes(input.value);
      chosen.innerHTML = "";
      if (!codes.length) {
        var empty = document.createElement("li");
        empty.className = "note";
        empty.textContent = "aucune pour l'instant";
        chosen.appendChild(empty);
        return;
      }
      codes.forEach(function (code) {
        var li = document.createElement("li");
        var text = document.createElement("span");
        text.textContent = code + (labels[code] ? " — " + labels[code] : "");
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "cpv-remove";
        remove.textContent = "Retirer";
        remove.setAttribute("aria-label", "Retirer " + code + (labels[code] ? " " + labels[code] : ""));
        remove.addEventListener("click", function () {
          input.value = parseCodes(input.value).filter(function (c) { return c !== code; }).join(", ");
          input.dispatchEvent(new Event("change", { bubbles: true }));
          renderChosen();
          say("Catégorie " + code + " retirée.");
          search.focus();
        });
        li.appendChild(text);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(remove);
        chosen.appendChild(li);
      });
    }

    function loadLabels() {
      var missing = parseCodes(input.value).filter(function (c) { return /^\d{8}$/.test(c) && !labels[c]; });
      if (!missing.length) { renderChosen(); return; }
      fetch(url + "?codes=" + encodeURIComponent(missing.join(",")), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          (data.results || []).forEach(function (row) { labels[row.code] = row.label; });
          renderChosen();
        })
        .catch(renderChosen);
    }

    function close() {
      list.hidden = true;
      search.setAttribute("aria-expanded", "false");
      search.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(i) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (o, j) { o.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (i >= 0 && options[i]) {
        search.setAttribute("aria-activedescendant", options[i].id);
        options[i].scrollIntoView({ block: "nearest" });
      } else {
        search.removeAttribute("aria-activedescendant");
      }
    }

    function choose(i) {
      var row = results[i];
      if (!row) { return; }
      labels[row.code] = row.label;
      var codes = parseCodes(input.value);
      if (codes.indexOf(row.code) === -1) { codes.push(row.code); }
      input.value = codes.join(", ");
      input.dispatchEvent(new Event("change", { bubbles: true }));
      renderChosen();
      say("Catégorie " + row.code + " " + row.label + " ajoutée.");
      search.value = "";
      close();
      search.focus();
    }

    function render() {
      list.innerHTML = "";
      results.forEach(function (row, i) {
        var li = document.createElement("li");
        li.id = ids.list + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = row.display + " — " + row.label;
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      if (results.length) {
        list.hidden = false;
        search.setAttribute("aria-expanded", "true");
        say(results.length + (results.length > 1 ? " catégories trouvées" : " catégorie trouvée") +
            ", flèches haut et bas pour parcourir, Entrée pour choisir.");
      } else {
        close();
        say("Aucune catégorie trouvée.");
      }
      active = -1;
    }

    function query() {
      var q = search.value.trim();
      if (q === lastQuery) { return; }
      lastQuery = q;
      if (q.length < 2) { results = []; close(); return; }
      fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          if (search.value.trim() !== q) { return; }
          results = data.results || [];
          render();
        })
        .catch(function () { say("La recherche n'a pas abouti : saisissez les codes directement."); });
    }

    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(query, 200);
    });
    search.addEventListener("keydown", function (event) {
      var count = results.length;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden && count) { list.hidden = false; search.setAttribute("aria-expanded", "true"); }
        if (count) { highlight((active + 1) % count); }
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (count) { highlight(active <= 0 ? count - 1 : active - 1); }
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) { event.preventDefault(); choose(active); }
        else if (!list.hidden) { event.preventDefault(); }
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); close(); }
        else { search.value = ""; lastQuery = ""; }
      }
    });
    search.addEventListener("blur", function () { setTimeout(close, 150); });
    input.addEventListener("change", loadLabels);
    loadLabels();
  }

  document.querySelectorAll("input[data-cpv-picker]").forEach(enhance);
})();
