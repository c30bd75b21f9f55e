// Charts: each <div data-chart="ID"> draws the ECharts option held in the JSON script #ID
// (built in Python, ikkan/web/charts.py). No inline scripts (CSP script-src 'self').
(function () {
  function draw(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = document.getElementById(el.getAttribute("data-chart"));
      if (!spec) return;
      var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(JSON.parse(spec.textContent), true);
      el.setAttribute("data-drawn", "1");
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (e) { draw(e.target); });
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var c = window.echarts && window.echarts.getInstanceByDom(el);
      if (c) c.resize();
    });
  });
})();
