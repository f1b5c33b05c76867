// Small helps on top of pages that work without JavaScript.
"use strict";

// <form data-confirm="…">: ask before an action that cannot be undone.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

// After a refused form, take the reader (and a screen reader) to the list of errors.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".form-errors");
  if (summary) summary.focus();
});

// <section data-refresh="URL" data-refresh-seconds="10">: replace the section with the same
// section of the page at URL every few seconds (live figures), pausing while hidden.
document.addEventListener("DOMContentLoaded", () => {
  for (const section of document.querySelectorAll("[data-refresh]")) {
    const seconds = Number(section.dataset.refreshSeconds || 10);
    const refresh = async () => {
      if (document.hidden) return;
      try {
        const response = await fetch(section.dataset.refresh, { credentials: "same-origin" });
        if (!response.ok) return;
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = section.id && page.getElementById(section.id);
        if (fresh) section.replaceChildren(...fresh.childNodes);
      } catch (error) {
        // Offline for a moment: the figures stay as they were and the next round tries again.
      }
    };
    window.setInterval(refresh, seconds * 1000);
  }
});
