/* Django admin: give the autocomplete (select2) comboboxes (and the read-only textbox inside)
 * the name of their field's label.
 * select2 names its combobox after the chosen value only, so an empty field has no accessible
 * name for screen readers. Loaded by templates/admin/base_site.html (no inline scripts: CSP). */
(function () {
  "use strict";

  function nameComboboxes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = select.id && document.querySelector("label[for='" + select.id + "']");
      var wrapper = select.nextElementSibling;
      var combobox = wrapper && wrapper.querySelector(".select2-selection[role='combobox']");
      if (!label || !combobox) return;
      if (!label.id) label.id = select.id + "_label";
      var rendered = combobox.querySelector(".select2-selection__rendered");
      var ids = [label.id];
      if (rendered && rendered.id) ids.push(rendered.id);
      combobox.setAttribute("aria-labelledby", ids.join(" "));
      if (rendered) rendered.setAttribute("aria-labelledby", label.id);
    });
  }

  function start() {
    nameComboboxes(document);
    new MutationObserver(function (mutations) {
      for (var i = 0; i < mutations.length; i++) {
        if (mutations[i].addedNodes.length) { nameComboboxes(document); return; }
      }
    }).observe(document.body, { childList: true, subtree: true });
  }

  // select2 is set up on DOMContentLoaded; "load" comes after it.
  if (document.readyState === "complete") start(); else window.addEventListener("load", start);
})();
