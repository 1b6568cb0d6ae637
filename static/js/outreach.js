// Invite page: "tick all / none" for the organisations found by name. The page works without it.
(function () {
  var form = document.getElementById("invite-form");
  if (!form) { return; }
  var boxes = form.querySelectorAll('input[type="checkbox"][name="organisations"]');
  if (boxes.length < 2) { return; }
  var bar = document.createElement("div");
  bar.className = "d-flex gap-2 mb-2";
  [[form.dataset.tickAll, true], [form.dataset.tickNone, false]].forEach(function (pair) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-outline-secondary";
    button.textContent = pair[0];
    button.addEventListener("click", function () {
      boxes.forEach(function (box) { box.checked = pair[1]; });
    });
    bar.appendChild(button);
  });
  var first = boxes[0].closest(".form-check") || boxes[0];
  first.parentNode.insertBefore(bar, first);
})();
