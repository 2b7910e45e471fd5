/* legation's few behaviours, from a static file: the Content-Security-Policy allows no inline
   script. Every page works without it. */
(function () {
  "use strict";

  // The pickers (people, organisations): a search box (role combobox) whose aria-controls names
  // the box the results arrive in (htmx), and, when several can be chosen, a list of chips
  // (data-chosen on the box: its id; data-name on the list: the hidden inputs' name).

  function addChosen(list, id, label) {
    if (list.querySelector('[data-id="' + id + '"]')) { return; }
    var li = document.createElement("li");
    li.dataset.id = id;
    li.textContent = label + " ";
    var input = document.createElement("input");
    input.type = "hidden"; input.name = list.dataset.name || "people"; input.value = id;
    var remove = document.createElement("button");
    remove.type = "button"; remove.textContent = "\u00d7"; remove.dataset.remove = "";
    remove.setAttribute("aria-label", (list.dataset.removeLabel || "Remove") + " " + label);
    li.appendChild(input); li.appendChild(remove); list.appendChild(li);
  }

  function boxFor(results) {
    return results && results.id ? document.querySelector('[aria-controls="' + results.id + '"]') : null;
  }

  function closePicker(box) {
    var results = document.getElementById(box.getAttribute("aria-controls"));
    if (results) { results.innerHTML = ""; }
    box.removeAttribute("aria-activedescendant");
    box.setAttribute("aria-expanded", "false");
  }

  function choose(button) {
    var results = button.closest("[aria-live]");
    var box = boxFor(results);
    if (!box) { return; }
    var chips = box.dataset.chosen ? document.getElementById(box.dataset.chosen) : null;
    var single = document.getElementById("id_person");
    if (chips) {
      // Logging an engagement: as many people and organisations as took part.
      addChosen(chips, button.dataset.pickId, button.dataset.pickLabel);
      box.value = ""; box.focus();
    } else if (single) {
      // A letter: one recipient.
      single.value = button.dataset.pickId;
      document.getElementById("person-chosen").textContent = button.dataset.pickLabel;
      box.value = "";
      var preview = document.getElementById("preview-button");
      if (preview) { preview.focus(); }
    }
    closePicker(box);
  }

  function move(box, step) {
    var results = document.getElementById(box.getAttribute("aria-controls"));
    var options = results ? Array.prototype.slice.call(results.querySelectorAll('[role="option"]')) : [];
    if (!options.length) { return; }
    var current = options.indexOf(document.getElementById(box.getAttribute("aria-activedescendant")));
    var next = current < 0 ? (step > 0 ? 0 : options.length - 1)
      : (current + step + options.length) % options.length;
    options.forEach(function (o, i) {
      o.setAttribute("aria-selected", i === next ? "true" : "false");
      o.classList.toggle("active", i === next);
    });
    box.setAttribute("aria-activedescendant", options[next].id);
    box.setAttribute("aria-expanded", "true");
    options[next].scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("click", function (ev) {
    var pick = ev.target.closest("[data-pick-id]");
    if (pick) { choose(pick); return; }
    if (ev.target.matches("[data-remove]")) { ev.target.closest("li").remove(); }
  });

  // The header's menu button on a phone: a disclosure for the navigation and the account.
  document.addEventListener("click", function (ev) {
    var toggle = ev.target.closest(".menu-toggle");
    if (!toggle) { return; }
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      var first = document.querySelector("#" + toggle.getAttribute("aria-controls") + " a, #" +
        toggle.getAttribute("aria-controls") + " button");
      if (first) { first.focus(); }
    }
  });

  document.addEventListener("keydown", function (ev) {
    // Escape closes the open header menu and returns to its button.
    var toggle = document.querySelector(".menu-toggle[aria-expanded='true']");
    if (ev.key === "Escape" && toggle) {
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
    }
  });

  document.addEventListener("keydown", function (ev) {
    var box = ev.target;
    if (!box.matches || !box.matches('input[role="combobox"], #person-search')) { return; }
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      move(box, ev.key === "ArrowDown" ? 1 : -1);
    } else if (ev.key === "Enter") {
      // Enter in a picker chooses the highlighted entry; it never submits the form.
      ev.preventDefault();
      var active = document.getElementById(box.getAttribute("aria-activedescendant") || "");
      var button = active && active.querySelector("[data-pick-id]");
      if (button) { choose(button); }
    } else if (ev.key === "Escape") {
      closePicker(box);
    }
  });

  // New results: nothing highlighted yet.
  document.addEventListener("htmx:afterSwap", function (ev) {
    var box = boxFor(ev.target);
    if (box) {
      box.removeAttribute("aria-activedescendant");
      box.setAttribute("aria-expanded", ev.target.querySelector('[role="option"]') ? "true" : "false");
    }
  });
})();

/* The person form's rows (emails, phones, addresses, affiliations, relationships): "Add a row"
   copies the formset's empty row (a <template>) and counts it in the management form. Without
   this script the form still offers one empty row of each kind per save. */
(function () {
  "use strict";
  function setup(set) {
    var button = set.querySelector("[data-add-row]");
    var template = set.querySelector("template[data-empty-row]");
    var total = set.querySelector('input[name$="-TOTAL_FORMS"]');
    if (!button || !template || !total) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      set.querySelector(".row-list").appendChild(row);
      total.value = String(index + 1);
      var first = row.querySelector("input:not([type=hidden]), textarea, select");
      if (first) { first.focus(); }
    });
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-rows]"), setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
