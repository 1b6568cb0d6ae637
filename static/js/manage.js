// Coordinator workspace: small conveniences. Every page works without JavaScript.
(function () {
  "use strict";

  // Dashboard: "select all" and a count of selected sign-ons.
  function updateCount(form) {
    var counter = form.querySelector("[data-selected-count]");
    if (!counter) { return; }
    var n = form.querySelectorAll("input[name=signatures]:checked").length;
    counter.textContent = n ? n + " ✓" : "";
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-check-all]")) {
      target.form.querySelectorAll("input[name=signatures]").forEach(function (box) { box.checked = target.checked; });
      updateCount(target.form);
    } else if (target.matches("input[name=signatures]")) {
      updateCount(target.form);
    } else if (target.matches("#bulk-action")) {
      // Rejecting needs a reason: make the browser ask for it before the server does.
      document.getElementById("bulk-reason").required = target.value === "reject";
    } else if (target.matches(".import-choice select")) {
      target.closest("tr").classList.toggle("is-skipped", target.value === "skip");
    }
  });

  // Paste preview: grey out lines set to "do not import" on load too (e.g. duplicates).
  document.querySelectorAll(".import-choice select").forEach(function (select) {
    select.closest("tr").classList.toggle("is-skipped", select.value === "skip");
  });
})();
