// The overall framework: print buttons and "add one more action" on meeting minutes. No inline JS (CSP).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-add-form]").forEach(function (button) {
    var prefix = button.getAttribute("data-add-form");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById("action-form-template");
    var container = document.getElementById("action-forms");
    if (!total || !template || !container) { return; }
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      container.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = container.lastElementChild.querySelector("input, select");
      if (first) { first.focus(); }
    });
  });
})();
