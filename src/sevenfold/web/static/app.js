// sevenfold workbench: htmx error display and the provenance graph. No inline scripts (strict CSP).
(function () {
  "use strict";

  function drawGraph() {
    var holder = document.getElementById("graph");
    var dataEl = document.getElementById("graph-data");
    if (!holder || !dataEl || typeof cytoscape === "undefined") return;
    var elements;
    // JSON in a data attribute (htmx drops <script> blocks from swapped fragments)
    try { elements = JSON.parse(dataEl.getAttribute("data-elements")); } catch (e) { return; }
    holder.textContent = "";
    window.sevenfoldGraph = cytoscape({
      container: holder,
      elements: elements,
      style: [
        { selector: "node", style: { "label": "data(label)", "font-size": 11, "text-valign": "bottom", "text-halign": "center", "color": "#222", "text-wrap": "ellipsis", "text-max-width": "140px", "text-background-color": "#fff", "text-background-opacity": 0.8, "text-background-padding": "1px" } },
        { selector: "node.source", style: { "background-color": "#888", "shape": "round-rectangle", "width": 22, "height": 22 } },
        { selector: "node.report", style: { "background-color": "#3b6fb6", "width": 16, "height": 16 } },
        { selector: "node.origin", style: { "background-color": "#eef3fb", "border-color": "#3b6fb6", "border-width": 1, "label": "data(label)", "text-valign": "top" } },
        { selector: "node.burned", style: { "background-color": "#c0392b" } },
        { selector: "node.fallen", style: { "background-color": "#e6a19a", "border-color": "#c0392b", "border-width": 2 } },
        { selector: "edge", style: { "width": 1, "line-color": "#aaa", "target-arrow-shape": "triangle", "target-arrow-color": "#aaa", "curve-style": "bezier", "arrow-scale": 0.6 } },
        { selector: "edge.via", style: { "line-style": "dashed", "line-color": "#777" } },
        { selector: "edge.derived", style: { "line-color": "#d68910", "target-arrow-color": "#d68910" } }
      ],
      layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: function () { return 400000; },
                idealEdgeLength: function () { return 90; }, nodeOverlap: 40, componentSpacing: 100,
                gravity: 0.2, numIter: 2500, nestingFactor: 1.2, padding: 24 },
      minZoom: 0.2, maxZoom: 3,
      wheelSensitivity: 0.3
    });
    // click a report: scroll to its row in the matrix and mark it
    window.sevenfoldGraph.on("tap", "node.report", function (evt) {
      var id = evt.target.id().replace(/^report:/, "");
      var rows = document.querySelectorAll("tr[data-report]");
      for (var i = 0; i < rows.length; i++) {
        rows[i].classList.remove("picked");
        if (rows[i].getAttribute("data-report") === id) {
          rows[i].classList.add("picked");
          rows[i].scrollIntoView({ block: "center" });
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof htmx === "undefined") { drawGraph(); return; }
    // show 4xx/5xx fragments (they are flash messages) instead of dropping them
    document.body.addEventListener("htmx:beforeSwap", function (evt) {
      var status = evt.detail.xhr.status;
      if (status >= 400) {
        evt.detail.shouldSwap = true;
        evt.detail.isError = false;
        // a form answered with its own errors (next to the fields) replaces that form
        if (evt.detail.xhr.getResponseHeader("X-Sevenfold-Form")) { return; }
        var flash = document.getElementById("flash");
        if (flash) { evt.detail.target = flash; }
      }
    });
    // Cancel buttons of edit forms and delete confirmations
    document.body.addEventListener("click", function (evt) {
      var btn = evt.target.closest ? evt.target.closest(".js-dismiss") : null;
      if (!btn) return;
      var box = btn.closest(".confirm, form.editing");
      if (box) { box.remove(); }
    });
    // a new result replaces the old one at once: clear a what-if result when its inputs change
    document.body.addEventListener("input", function (evt) {
      if (evt.target.closest && evt.target.closest("#burn-form")) {
        var res = document.getElementById("burn-result");
        if (res) { res.textContent = ""; }
      }
    });
    // htmx:load fires on the body at start and on each new fragment (the old one is detached by then)
    document.body.addEventListener("htmx:load", function (evt) {
      var el = evt.target;
      if (el === document.body || el.id === "workspace" || (el.querySelector && el.querySelector("#graph"))) {
        drawGraph();
      }
    });
  });
})();
