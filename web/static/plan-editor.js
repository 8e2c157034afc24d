// The plan editor (issue 25): what the drafter types is kept on the server a moment after
// they stop typing, so a reload or a closed tab loses nothing. Without JavaScript the
// editor's "Save the draft" button does the same.
"use strict";
(function () {
  var form = document.getElementById("draft-form");
  var status = document.getElementById("draft-saved");
  if (!form || !status) {
    return;
  }
  var timer = 0;
  function save() {
    var body = new URLSearchParams(new FormData(form));
    fetch(form.dataset.draft, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) {
        if (r.ok) {
          status.textContent = form.dataset.saved;
        }
      })
      .catch(function () {});
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 800);
  });
})();
