// Sign-on form enhancements. The form works without JavaScript: every field is shown and the server validates.
(function () {
  var form = document.querySelector("form.signon-form");
  if (!form) {
    return;
  }

  // Show only the fields that apply: organisation details, or an individual's affiliation.
  function showFieldsFor(kind) {
    var individual = kind === "individual";
    form.querySelectorAll(".signon-organisation").forEach(function (block) { block.hidden = individual; });
    form.querySelectorAll(".signon-individual").forEach(function (block) { block.hidden = !individual; });
  }
  var checked = form.querySelector("input[name=kind]:checked");
  if (checked) {
    showFieldsFor(checked.value);
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "kind") {
      showFieldsFor(event.target.value);
    }
  });

  // One press, one sign-on: on a slow connection people press again while the page loads.
  form.addEventListener("submit", function () {
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  });
})();
