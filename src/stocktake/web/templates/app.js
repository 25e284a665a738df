// A little script where it pays: filters apply on change, one box ticks every row,
// and links from an asset's finding list open the finding's own page.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const filters = document.getElementById("filters");
  if (filters) {
    for (const select of filters.querySelectorAll("select")) {
      select.addEventListener("change", () => filters.requestSubmit());
    }
  }
  const kind = document.getElementById("kind-filter");
  if (kind) {
    for (const select of kind.querySelectorAll("select")) {
      select.addEventListener("change", () => kind.requestSubmit());
    }
  }
  const all = document.getElementById("tick-all");
  if (all) {
    all.addEventListener("change", () => {
      for (const box of document.querySelectorAll('input[name="finding_id"]')) box.checked = all.checked;
    });
  }
  for (const link of document.querySelectorAll('.asset-page a[href^="#f-"]')) {
    link.setAttribute("href", "/findings/" + encodeURIComponent(link.getAttribute("href").slice(3)));
  }
});
