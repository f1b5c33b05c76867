// The print layouts of a pass: a "Print" button, shown only where script runs.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
