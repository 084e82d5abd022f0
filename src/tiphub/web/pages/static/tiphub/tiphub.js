// tiphub's only script of its own: progressive enhancements, nothing the pages need to work.
// Loaded from 'self' (strict CSP: no inline scripts, no eval).
(function () {
  "use strict";
  // Submit the language form as soon as a language is chosen (the button stays for no-JS use).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.id === "language" && target.form) {
      target.form.submit();
    }
  });
  // Disable an upload button while the file is sent, so a slow link does not double-submit.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.classList && form.classList.contains("upload")) {
      var button = form.querySelector("button[type=submit]");
      if (button) {
        button.setAttribute("aria-busy", "true");
        button.disabled = true;
      }
    }
  });
  // Clear any client-side storage on the login page (privacy-requirements A6.6).
  if (document.body && document.body.dataset.clearStorage === "1") {
    try { window.sessionStorage.clear(); window.localStorage.clear(); } catch (e) { /* no storage */ }
  }
})();
