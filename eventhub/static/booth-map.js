// The booth map: booths become buttons. Activating a free booth (click, Enter or Space) gives
// it to the application chosen above the map, through the same form the list uses; activating
// an allocated booth takes the reader to its row in the list, where it can be released.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const map = document.getElementById("floor-map");
  const form = document.getElementById("allocate-form");
  if (!map || !form || map.dataset.interactive !== "true") return;
  const select = form.querySelector("select[name=application_id]");
  const boothField = document.getElementById("allocate-booth");
  const status = document.getElementById("map-status");

  const activate = (booth) => {
    if (booth.dataset.state === "allocated") {
      const release = document.getElementById(`release-${booth.dataset.boothId}`);
      if (release) release.focus();
      return;
    }
    if (!select.value) {
      status.textContent = map.dataset.textChoose;
      select.focus();
      return;
    }
    boothField.value = booth.dataset.boothId;
    status.textContent = map.dataset.textAllocating.replace("{code}", booth.dataset.code);
    form.requestSubmit();
  };

  for (const booth of map.querySelectorAll(".booth")) {
    booth.setAttribute("role", "button");
    booth.setAttribute("tabindex", "0");
    booth.setAttribute("aria-label", booth.dataset.label);
    booth.addEventListener("click", () => activate(booth));
    booth.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        activate(booth);
      }
    });
  }
});
