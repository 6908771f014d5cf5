// The recovery codes page's Print button (no inline script: the site's CSP allows only its own files).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("print-codes");
  if (button) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
