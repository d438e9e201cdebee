/* Samarbejdsportalen: small shared behaviour (no inline scripts: the CSP forbids them). */
(function () {
  "use strict";

  // After a failed submit, move the focus to the problem so screen readers read it out:
  // a form-level error (role="alert") first, otherwise the first invalid field, whose
  // aria-describedby points at its error text.
  function focusFirstError() {
    var alert = document.querySelector("form .alert[role='alert'], form [data-form-errors]");
    if (alert) {
      if (!alert.hasAttribute("tabindex")) alert.setAttribute("tabindex", "-1");
      alert.focus();
      return;
    }
    var invalid = document.querySelector("form .is-invalid, form [aria-invalid='true']");
    if (invalid && typeof invalid.focus === "function") invalid.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusFirstError);
  } else {
    focusFirstError();
  }
})();
