/* The back office's fixes to Django admin's own widgets, for keyboards and screen readers (loaded, deferred, by
   templates/admin/base_site.html; clubsite/tests/e2e/test_accessibility.py runs axe-core on every admin page).

   - An autocomplete (select2) names its combobox after the chosen value only, so an empty one has no name:
     the field's <label> is added to what names it.
   - A split date and time (AdminSplitDateTime) writes "Date:" and "Time:" as plain text that labels nothing:
     each input is named after its field and part.
   - The filter boxes of a two-list picker (filter_horizontal) put aria-label on a plain <span>: it becomes an image.
   - An inline table wider than its box scrolls, but a keyboard could not reach it to scroll: it takes the focus.
*/
"use strict";
{
  const nameComboboxes = (root) => {
    root.querySelectorAll("select.admin-autocomplete").forEach((select) => {
      const label = select.id && document.querySelector(`label[for="${select.id}"]`);
      const combobox = select.parentElement.querySelector('.select2-selection[role="combobox"]');
      if (!label || !combobox) return;
      if (!label.id) label.id = `${select.id}-label`;
      const names = (combobox.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean);
      if (!names.includes(label.id)) combobox.setAttribute("aria-labelledby", [label.id, ...names].join(" "));
      // The chosen value inside it is a read-only textbox of its own, named by the same label.
      combobox.querySelectorAll('[role="textbox"]:not([aria-labelledby])').forEach((value) => {
        value.setAttribute("aria-labelledby", `${label.id} ${value.id}`.trim());
      });
    });
  };

  const nameSplitDateTimes = (root) => {
    root.querySelectorAll("p.datetime").forEach((box) => {
      const row = box.closest(".form-row, .fieldBox");
      const fieldLabel = row && row.querySelector("label");
      const field = fieldLabel ? fieldLabel.textContent.replace(/:\s*$/, "").trim() : "";
      let part = "";
      box.childNodes.forEach((node) => {
        if (node.nodeType === Node.TEXT_NODE && node.textContent.trim()) {
          part = node.textContent.replace(/:\s*$/, "").trim();
        } else if (node.tagName === "INPUT" && node.type !== "hidden" && !node.labels.length) {
          node.setAttribute("aria-label", field ? `${field}, ${part.toLowerCase()}` : part);
        }
      });
    });
  };

  const roleForIcons = (root) => {
    root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach((icon) => icon.setAttribute("role", "img"));
  };

  const focusableScrollers = (root) => {
    root.querySelectorAll(".inline-group").forEach((box) => {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) box.tabIndex = 0;
    });
  };

  const fix = (root) => {
    nameComboboxes(root);
    nameSplitDateTimes(root);
    roleForIcons(root);
    focusableScrollers(root);
  };

  // After Django's own scripts: select2 starts on jQuery's ready (queued before this one), the two-list picker
  // and the calendar shortcuts on the window's load.
  if (window.django && window.django.jQuery) window.django.jQuery(() => fix(document));
  else document.addEventListener("DOMContentLoaded", () => fix(document));
  window.addEventListener("load", () => fix(document));
  document.addEventListener("formset:added", (event) => fix(event.target));
}
