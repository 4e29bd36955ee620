// sevenfold workbench: htmx error display, stale results, and the what-if marks in the pictures.
// No inline scripts (strict CSP). The provenance graph and the timeline are SVG drawn by the server.
(function () {
  "use strict";

  function textOf(html) {
    // an error fragment's words (the server's fragments are escaped HTML; only their text is used here)
    var doc = new DOMParser().parseFromString(html || "", "text/html");
    var t = (doc.body && doc.body.textContent) || "";
    t = t.replace(/\s+/g, " ").trim();
    try {
      var j = JSON.parse(html);
      if (j && j.detail) { t = typeof j.detail === "string" ? j.detail : JSON.stringify(j.detail); }
    } catch (e) { /* not JSON */ }
    return t;
  }

  // ---- the what-if's fallen reports, marked in the graph and the timeline ----------------------
  function markWhatIf() {
    var falls = [];
    var res = document.querySelector("#burn-result [data-falls][data-preview]");
    if (res) {
      try { falls = JSON.parse(res.getAttribute("data-falls")) || []; } catch (e) { falls = []; }
    }
    var wanted = {};
    for (var i = 0; i < falls.length; i++) { wanted[falls[i]] = true; }
    var nodes = document.querySelectorAll("#graph [data-report], #timeline [data-report]");
    for (var k = 0; k < nodes.length; k++) {
      var on = wanted[nodes[k].getAttribute("data-report")] === true;
      nodes[k].classList.toggle("highlight", on);
    }
    var panel = document.getElementById("graph-panel");
    if (panel) { panel.classList.toggle("whatif", falls.length > 0); }
  }

  // a graph wider than its box starts at the column of the sources that made the reports
  function focusGraph() {
    var box = document.getElementById("graph");
    if (!box || box.getAttribute("data-focused")) return;
    box.setAttribute("data-focused", "1");
    var x = parseFloat(box.getAttribute("data-focus-x") || "0");
    if (box.scrollWidth > box.clientWidth + 1 && x > 0) { box.scrollLeft = x; }
  }

  // ---- errors next to what the user touched ------------------------------------------------------
  function burnError(message) {
    var res = document.getElementById("burn-result");
    if (!res) return;
    res.classList.remove("stale");
    res.textContent = "";
    var p = document.createElement("p");
    p.className = "field-error";
    p.setAttribute("role", "alert");
    p.setAttribute("data-testid", "burn-error");
    p.textContent = message + " — no result is shown until the request succeeds.";
    res.appendChild(p);
    markWhatIf();
  }

  function cellError(select, message) {
    var cell = select.closest("td");
    if (!cell) return;
    // the select goes back to the value that is stored: nothing else on the page changed
    select.value = select.getAttribute("data-saved") || "";
    var slot = cell.querySelector(".cell-error");
    if (!slot) {
      slot = document.createElement("span");
      slot.className = "cell-error field-error";
      slot.setAttribute("role", "alert");
      slot.setAttribute("data-testid", "cell-error");
      cell.appendChild(slot);
    }
    slot.textContent = "not saved: " + message;
  }

  function formError(form, message) {
    var box = form.querySelector("[data-testid=form-error]");
    if (!box) {
      box = document.createElement("div");
      box.className = "flash error";
      box.setAttribute("role", "alert");
      box.setAttribute("data-testid", "form-error");
      var h = form.querySelector("h3");
      if (h && h.nextSibling) { form.insertBefore(box, h.nextSibling); } else { form.insertBefore(box, form.firstChild); }
    }
    box.textContent = message + " — nothing was saved.";
  }

  // where a failed request's message goes: true when it was placed next to the control
  function placeError(elt, message) {
    if (!elt || !elt.closest) return false;
    if (elt.closest("#burn-panel")) { burnError(message); return true; }
    var select = elt.closest("td.cell") ? elt.closest("td.cell").querySelector("select[name=consistency]") : null;
    if (select) { cellError(select, message); return true; }
    var form = elt.closest("form.entry-form") || (elt.tagName === "FORM" ? elt : null);
    if (form) { formError(form, message); return true; }
    return false;
  }

  function unbusy() {
    var ws = document.getElementById("workspace");
    if (ws) { ws.classList.remove("updating"); ws.removeAttribute("aria-busy"); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    markWhatIf();
    focusGraph();
    if (typeof htmx === "undefined") return;
    // while a request runs, what it will replace is marked as out of date
    document.body.addEventListener("htmx:beforeRequest", function (evt) {
      var elt = evt.detail.elt;
      if (elt && elt.closest && elt.closest("#burn-panel")) {
        var res = document.getElementById("burn-result");
        if (res && res.firstElementChild) { res.classList.add("stale"); }
      }
      var target = evt.detail.target;
      if (target && target.id === "workspace") {
        target.classList.add("updating");
        target.setAttribute("aria-busy", "true");
      }
    });
    document.body.addEventListener("htmx:afterRequest", function () { unbusy(); });
    // show 4xx/5xx answers next to the control that sent the request, never leaving an old value as if current
    document.body.addEventListener("htmx:beforeSwap", function (evt) {
      var status = evt.detail.xhr.status;
      if (status < 400) return;
      unbusy();
      evt.detail.isError = false;
      // a form answered with its own errors (next to the fields) replaces that form
      if (evt.detail.xhr.getResponseHeader("X-Sevenfold-Form")) { evt.detail.shouldSwap = true; return; }
      var message = textOf(evt.detail.xhr.responseText) || ("the server answered " + status);
      if (placeError(evt.detail.requestConfig ? evt.detail.requestConfig.elt : evt.detail.elt, message)) {
        evt.detail.shouldSwap = false;
        return;
      }
      evt.detail.shouldSwap = true;
      var flash = document.getElementById("flash");
      if (flash) { evt.detail.target = flash; }
    });
    // no answer at all (network down, server gone)
    function unreachable(evt) {
      unbusy();
      var message = "the server could not be reached";
      if (!placeError(evt.detail.elt, message)) {
        var flash = document.getElementById("flash");
        if (flash) { flash.className = "flash error"; flash.setAttribute("role", "alert"); flash.textContent = message + "; nothing was saved."; }
      }
    }
    document.body.addEventListener("htmx:sendError", unreachable);
    document.body.addEventListener("htmx:timeout", unreachable);
    // Cancel buttons of edit forms and delete confirmations
    document.body.addEventListener("click", function (evt) {
      var btn = evt.target.closest ? evt.target.closest(".js-dismiss") : null;
      if (!btn) return;
      var box = btn.closest(".confirm, form.editing");
      if (box) { box.remove(); }
    });
    // a new result replaces the old one at once: clear a what-if result when its inputs change
    function clearWhatIf(evt) {
      if (evt.target.closest && evt.target.closest("#burn-form")) {
        var res = document.getElementById("burn-result");
        if (res) { res.textContent = ""; res.classList.remove("stale"); }
        markWhatIf();
      }
    }
    document.body.addEventListener("input", clearWhatIf);
    document.body.addEventListener("change", clearWhatIf);
    // after every swap (a what-if result, an error, a new workspace) the marks follow what is on screen
    document.body.addEventListener("htmx:afterSettle", function () { markWhatIf(); focusGraph(); });
  });
})();
