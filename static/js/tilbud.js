// Offer directory: submit the filter form when a filter changes; print button on the print view.
(function () {
  "use strict";
  document.querySelectorAll(".js-autosubmit").forEach(function (input) {
    input.addEventListener("change", function () {
      var form = input.form;
      if (!form) { return; }
      var page = form.querySelector("input[name=page]");
      if (page) { page.remove(); }
      form.requestSubmit ? form.requestSubmit() : form.submit();
    });
  });
  document.querySelectorAll(".js-print").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
