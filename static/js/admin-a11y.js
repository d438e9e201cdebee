/* Django admin: names for the controls the admin's own markup leaves unnamed. Loaded by
 * templates/admin/base_site.html (no inline scripts: CSP).
 * - The autocomplete (select2) comboboxes (and the read-only textbox inside) get the name of their
 *   field's label: select2 names its combobox after the chosen value only.
 * - Fields in tabular inlines have no <label>; they are named by their column header.
 * - The date and time boxes of a date-time field get their "Dato:"/"Tid:" text as a real label.
 * - The filter icon of a two-list (filter_horizontal) widget is an image with a text (role="img"):
 *   a plain <span> may not carry aria-label. */
(function () {
  "use strict";

  var counter = 0;

  function newId(prefix) {
    counter += 1;
    return prefix + "-a11y-" + counter;
  }

  // The column header of a field in a tabular inline, with an id to point at.
  function columnHeader(control) {
    var cell = control.closest(".tabular td");
    var table = cell && cell.closest("table");
    if (!table || !table.tHead) return null;
    var header = table.tHead.rows[0].cells[cell.cellIndex];
    if (!header || !header.textContent.trim()) return null;
    if (!header.id) header.id = newId("column");
    return header;
  }

  function isNamed(control) {
    return (control.labels && control.labels.length) || control.hasAttribute("aria-label") ||
      control.hasAttribute("aria-labelledby");
  }

  function nameInlineFields(root) {
    root.querySelectorAll(".tabular td input:not([type=hidden]), .tabular td select, .tabular td textarea")
      .forEach(function (control) {
        if (isNamed(control)) return;
        var header = columnHeader(control);
        if (header) control.setAttribute("aria-labelledby", header.id);
      });
  }

  function labelDateTimeParts(root) {
    root.querySelectorAll("p.datetime input").forEach(function (input) {
      var text = input.previousSibling;
      while (text && text.nodeType === Node.TEXT_NODE && !text.textContent.trim()) text = text.previousSibling;
      if (!input.id || !text || text.nodeType !== Node.TEXT_NODE) return;
      var label = document.createElement("label");
      label.htmlFor = input.id;
      label.textContent = text.textContent.trim() + " ";
      text.replaceWith(label);
    });
  }

  function fixFilterIcons(root) {
    root.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function labelIdFor(select) {
    var label = select.id && document.querySelector("label[for='" + select.id + "']");
    if (label) {
      if (!label.id) label.id = select.id + "_label";
      return label.id;
    }
    var header = columnHeader(select);
    return header ? header.id : null;
  }

  function nameComboboxes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var labelId = labelIdFor(select);
      var wrapper = select.nextElementSibling;
      var combobox = wrapper && wrapper.querySelector(".select2-selection[role='combobox']");
      if (!labelId || !combobox) return;
      var rendered = combobox.querySelector(".select2-selection__rendered");
      var ids = [labelId];
      if (rendered && rendered.id) ids.push(rendered.id);
      combobox.setAttribute("aria-labelledby", ids.join(" "));
      if (rendered) rendered.setAttribute("aria-labelledby", labelId);
    });
  }

  function nameAll() {
    nameInlineFields(document);
    labelDateTimeParts(document);
    fixFilterIcons(document);
    nameComboboxes(document);
  }

  function start() {
    nameAll();
    new MutationObserver(function (mutations) {
      for (var i = 0; i < mutations.length; i++) {
        if (mutations[i].addedNodes.length) { nameAll(); return; }
      }
    }).observe(document.body, { childList: true, subtree: true });
  }

  // select2 is set up on DOMContentLoaded; "load" comes after it.
  if (document.readyState === "complete") start(); else window.addEventListener("load", start);
})();
