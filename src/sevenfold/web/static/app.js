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
        { selector: "node", style: { "label": "data(label)", "font-size": 9, "text-valign": "bottom", "text-halign": "center", "color": "#222" } },
        { selector: "node.source", style: { "background-color": "#888", "shape": "round-rectangle", "width": 18, "height": 18 } },
        { selector: "node.report", style: { "background-color": "#3b6fb6", "width": 12, "height": 12 } },
        { selector: "node.origin", style: { "background-color": "#eef3fb", "border-color": "#3b6fb6", "border-width": 1, "label": "data(label)", "text-valign": "top" } },
        { selector: "node.burned", style: { "background-color": "#c0392b" } },
        { selector: "node.fallen", style: { "background-color": "#e6a19a", "border-color": "#c0392b", "border-width": 2 } },
        { selector: "edge", style: { "width": 1, "line-color": "#aaa", "target-arrow-shape": "triangle", "target-arrow-color": "#aaa", "curve-style": "bezier", "arrow-scale": 0.6 } },
        { selector: "edge.via", style: { "line-style": "dashed", "line-color": "#777" } },
        { selector: "edge.derived", style: { "line-color": "#d68910", "target-arrow-color": "#d68910" } }
      ],
      layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 6000, idealEdgeLength: 50 }
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
        var flash = document.getElementById("flash");
        if (flash) { evt.detail.target = flash; }
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
