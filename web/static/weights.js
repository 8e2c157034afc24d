// Live sums of the template form's weights (A5): each element with data-sum-of="C" shows the
// sum of the inputs of class C and whether it is 100 (or 1). The server checks it again.
(function () {
  "use strict";
  document.querySelectorAll("[data-sum-of]").forEach(function (out) {
    var cls = out.getAttribute("data-sum-of");
    var form = out.closest("form");
    var update = function () {
      var sum = 0, any = false;
      form.querySelectorAll("input." + cls).forEach(function (i) {
        if (i.value !== "") { sum += Number(i.value); any = true; }
      });
      sum = Math.round(sum * 1e6) / 1e6;
      var ok = !any || sum === 100 || sum === 1;
      out.textContent = any ? "Σ " + sum + (ok ? " ✓" : " ≠ 100") : "";
      out.classList.toggle("overdue", !ok);
    };
    form.addEventListener("input", update);
    update();
  });
})();
