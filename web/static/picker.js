// The pickers (issue 25): an input with data-pick="accounts" or "people" asks /pick for the
// matches of what is typed and offers them in its datalist (name, user name, roles and orgs),
// so anyone in the register can be chosen by keyboard without knowing an ID. Without
// JavaScript the datalist keeps what the page preloaded and the link beside the field opens
// the same search as a plain page.
"use strict";
document.querySelectorAll("input[data-pick]").forEach(function (input) {
  var list = document.getElementById(input.getAttribute("list"));
  if (!list) {
    return;
  }
  var timer = 0;
  var asked = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (q === asked) {
        return;
      }
      asked = q;
      var url = "/pick?kind=" + encodeURIComponent(input.dataset.pick) + "&q=" + encodeURIComponent(q);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (d) {
          if (q !== asked) {
            return; // a later search is on its way
          }
          list.replaceChildren.apply(list, d.items.map(function (m) {
            var o = document.createElement("option");
            o.value = m.value;
            o.textContent = m.label;
            return o;
          }));
          input.dataset.picked = String(d.items.length);
        })
        .catch(function () {});
    }, 200);
  });
});
