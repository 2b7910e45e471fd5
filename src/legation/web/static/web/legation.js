/* legation's few behaviours, from a static file: the Content-Security-Policy allows no inline
   script. Every page works without it. */
(function () {
  "use strict";

  function addChosen(list, id, label) {
    if (list.querySelector('[data-id="' + id + '"]')) { return; }
    var li = document.createElement("li");
    li.dataset.id = id;
    li.textContent = label + " ";
    var input = document.createElement("input");
    input.type = "hidden"; input.name = "people"; input.value = id;
    var remove = document.createElement("button");
    remove.type = "button"; remove.textContent = "\u00d7"; remove.dataset.remove = "";
    remove.setAttribute("aria-label", (list.dataset.removeLabel || "Remove") + " " + label);
    li.appendChild(input); li.appendChild(remove); list.appendChild(li);
  }

  document.addEventListener("click", function (ev) {
    var pick = ev.target.closest("[data-pick-id]");
    if (pick) {
      var box = document.getElementById("person-search");
      var chips = document.getElementById("people-chosen");
      var single = document.getElementById("id_person");
      if (chips) {
        // Logging an engagement: as many people as took part.
        addChosen(chips, pick.dataset.pickId, pick.dataset.pickLabel);
        box.value = ""; box.focus();
      } else if (single) {
        // A letter: one recipient.
        single.value = pick.dataset.pickId;
        document.getElementById("person-chosen").textContent = pick.dataset.pickLabel;
        box.value = "";
        var preview = document.getElementById("preview-button");
        if (preview) { preview.focus(); }
      }
      document.getElementById("person-results").innerHTML = "";
      return;
    }
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
    // Enter in the letter's recipient box searches; it does not submit the letter form.
    if (ev.key === "Enter" && ev.target.id === "person-search" && document.getElementById("id_person")) {
      ev.preventDefault();
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
