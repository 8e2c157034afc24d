// The dashboard's charts (A1): one bar chart per table, drawn by Apache ECharts from the same
// numbers as the table beneath it; a click on a bar opens the process list filtered to it.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dashboard-data").textContent || "{}");
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var c = data[el.getAttribute("data-chart")];
    if (!c || !c.bars || c.bars.length === 0 || typeof echarts === "undefined") {
      el.hidden = true;
      return;
    }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      tooltip: { renderMode: "richText" },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: c.bars.map(function (b) { return b.label; }) },
      series: [{ type: "bar", data: c.bars.map(function (b) { return b.n; }), cursor: "pointer" }]
    });
    chart.on("click", function (p) {
      var b = c.bars[p.dataIndex];
      if (b) { window.location.href = b.link; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
