// Small progressive enhancements; every page works without JavaScript.
// No select navigates on "change": keyboard users arrow through options, and each step would leave the page.
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
