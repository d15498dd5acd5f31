// Budget ballot: keep the budget bar and the counter up to date while choosing.
// The form works without this file; the server checks every ballot again.
(function () {
  "use strict";
  var form = document.querySelector("form.ballot");
  if (!form) { return; }
  var status = document.getElementById("budget-status");
  var bar = document.getElementById("budget-bar");
  var kind = form.dataset.kind;
  var budget = parseInt(form.dataset.budget, 10) || 0;
  var lang = document.documentElement.lang || "nl";

  function euros(cents) {
    var whole = cents % 100 === 0;
    return new Intl.NumberFormat(lang === "nl" ? "nl-NL" : "en-GB", {
      style: "currency", currency: "EUR",
      minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: whole ? 0 : 2
    }).format(cents / 100);
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_match, key) { return values[key]; });
  }

  function update() {
    if (!status) { return; }
    if (kind === "points") {
      var used = 0;
      form.querySelectorAll("input.points").forEach(function (input) {
        var value = parseInt(input.value, 10);
        if (value > 0) { used += value; }
      });
      status.textContent = fill(status.dataset.template, { used: used, total: form.dataset.points });
      status.classList.toggle("over", used > parseInt(form.dataset.points, 10));
      return;
    }
    var chosen = 0;
    var spent = 0;
    form.querySelectorAll("input[name=project]").forEach(function (box) {
      if (box.checked) { chosen += 1; spent += parseInt(box.dataset.cost, 10) || 0; }
    });
    if (kind === "knapsack") {
      var over = spent > budget;
      bar.value = Math.min(spent, budget);
      bar.classList.toggle("over", over);
      status.classList.toggle("over", over);
      status.textContent = over
        ? fill(status.dataset.over, { spent: euros(spent), over: euros(spent - budget) })
        : fill(status.dataset.template, { spent: euros(spent), budget: euros(budget), left: euros(budget - spent) });
    } else {
      status.textContent = fill(status.dataset.template, { chosen: chosen });
    }
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  var errors = document.getElementById("ballot-errors");
  if (errors) { errors.focus(); }
})();
