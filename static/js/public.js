// Sign-on form enhancements. The form works without JavaScript: every field is shown and the server validates.
(function () {
  var form = document.querySelector("form.signon-form");
  if (!form) {
    return;
  }

  // A form that came back with errors: move focus to the summary, so that a screen reader reads it and a phone
  // shows it, instead of the top of the page with the errors far below.
  // The section's top (its heading, then the summary) at the top of the screen. Again once loaded: scrolling to
  // the URL's fragment and late layout (styles, fonts) may move the page or focus after this script runs.
  var summary = document.getElementById("signon-errors");
  function showSummary() {
    if (document.activeElement === document.body || document.activeElement === summary) {
      summary.focus({preventScroll: true});
      (document.getElementById("signon") || summary).scrollIntoView({block: "start"});
    }
  }
  if (summary) {
    summary.focus({preventScroll: true});
    showSummary();
    window.addEventListener("load", function () { window.setTimeout(showSummary, 0); });
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

  // The summary's links go to a field: focus it too (a fragment alone only scrolls, in some browsers).
  if (summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        field.focus();
        field.scrollIntoView({block: "center"});
      }
    });
  }

  // One press, one sign-on: on a slow connection people press again while the page loads.
  form.addEventListener("submit", function () {
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  });
})();
