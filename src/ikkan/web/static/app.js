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

// The tree as PNG: the server-drawn SVG painted on a canvas at 2x, then downloaded.
document.addEventListener("click", function (e) {
  var link = e.target.closest && e.target.closest("[data-export-png]");
  if (!link) return;
  e.preventDefault();
  var svg = document.querySelector(link.getAttribute("data-export-png"));
  if (!svg) return;
  var w = svg.width.baseVal.value, h = svg.height.baseVal.value, scale = 2;
  var text = new XMLSerializer().serializeToString(svg);
  var url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml;charset=utf-8" }));
  var img = new Image();
  img.onload = function () {
    var canvas = document.createElement("canvas");
    canvas.width = w * scale; canvas.height = h * scale;
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.scale(scale, scale); ctx.drawImage(img, 0, 0);
    URL.revokeObjectURL(url);
    canvas.toBlob(function (blob) {
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob); a.download = "ikkan-tree.png";
      document.body.appendChild(a); a.click(); a.remove();
    }, "image/png");
  };
  img.src = url;
});

// Sortable tables: a click on a header button sorts the body by that column (numbers by
// their data-value, text otherwise); a second click reverses. Totals stay in <tfoot>.
document.addEventListener("click", function (e) {
  var button = e.target.closest && e.target.closest("table.sortable th button[data-col]");
  if (!button) return;
  var table = button.closest("table");
  var col = +button.getAttribute("data-col");
  var down = button.getAttribute("aria-sort") !== "descending";
  table.querySelectorAll("th button[data-col]").forEach(function (b) { b.removeAttribute("aria-sort"); });
  button.setAttribute("aria-sort", down ? "descending" : "ascending");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  function key(row) {
    var cell = row.cells[col];
    var v = cell.getAttribute("data-value");
    return v === null ? cell.textContent.trim() : (v === "" ? null : +v);
  }
  rows.sort(function (a, b) {
    var x = key(a), y = key(b);
    if (x === null && y === null) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    var c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
    return down ? -c : c;
  });
  rows.forEach(function (r) { body.appendChild(r); });
});
