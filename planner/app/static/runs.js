/* planner app — Run (background solve with progress and cancel), Results and Compare screens. */
"use strict";
(function () {
  var job = null, timer = null;
  P.finished = [];

  function runLabel(r) { return r.scenario + " — " + P.t("data_version") + " " + r.version + (r.lang === "en" ? " (EN)" : ""); }

  P.loadRuns = function () {
    return P.api("GET", "/api/runs").then(function (r) {
      if (!r.ok) { return; }
      P.finished = r.data.finished;
      var sig = JSON.stringify(P.finished.map(function (f) { return f.key; }));
      if (P.$("run-list").dataset.sig === sig) {  // unchanged: keep the lists (and what is ticked)
        if (r.data.running.length && !job) { follow(r.data.running[0]); }
        return;
      }
      P.$("run-list").dataset.sig = sig;
      var ul = P.clear(P.$("run-list"));
      P.finished.forEach(function (f) {
        ul.appendChild(P.el("li", null, P.el("a", { href: "#results", "data-key": f.key, onclick: function () { P.showResult(f.key); } }, runLabel(f))));
      });
      var sel = P.$("res-select"), was = sel.value;
      P.clear(sel);
      P.finished.forEach(function (f) { sel.appendChild(P.el("option", { value: f.key, selected: f.key === was }, runLabel(f))); });
      var cmp = P.clear(P.$("cmp-list"));
      P.finished.forEach(function (f) {
        cmp.appendChild(P.el("li", null, P.el("label", null, P.el("input", { type: "checkbox", value: f.key }), " " + runLabel(f))));
      });
      if (r.data.running.length && !job) { follow(r.data.running[0]); }
    });
  };

  function paint(s) {
    P.$("run-bar").style.width = Math.round(100 * s.step / Math.max(s.of, 1)) + "%";
    P.$("run-bar").className = s.state;
    P.$("run-text").textContent = P.t("run_state_" + s.state) + " — " + (s.text || "") + " (" + s.seconds + " s)";
    P.$("run-error").hidden = !s.error; P.$("run-error").textContent = s.error || "";
    P.$("run-cancel").disabled = !(s.state === "queued" || s.state === "running");
    document.body.dataset.runState = s.state;
  }
  function follow(s) {
    job = s; paint(s);
    clearInterval(timer);
    if (s.state === "done") { finish(s); return; }
    if (s.state !== "queued" && s.state !== "running") { job = null; return; }
    timer = setInterval(function () {
      P.api("GET", "/api/runs/" + s.key).then(function (r) {
        if (!r.ok) { return; }
        paint(r.data);
        if (r.data.state !== "queued" && r.data.state !== "running") {
          clearInterval(timer); job = null;
          if (r.data.state === "done") { finish(r.data); } else { P.loadRuns(); }
        }
      });
    }, 700);
  }
  function finish(s) {
    job = null;
    P.loadRuns().then(function () { P.banner(P.t("run_done"), "ok"); P.showResult(s.key); location.hash = "#results"; });
  }
  P.$("run-start").addEventListener("click", function () {
    paint({ state: "queued", step: 0, of: 1, text: "", seconds: 0, error: "" });
    P.api("POST", "/api/runs", { scenario: P.$("run-scenario").value, lang: P.lang, who: P.who() }).then(function (r) {
      if (!r.ok) { P.report(r, null); P.$("run-error").hidden = false; P.$("run-error").textContent = r.data.error || ""; return; }
      follow(r.data);
    });
  });
  P.$("run-cancel").addEventListener("click", function () {
    if (!job) { return; }
    P.api("POST", "/api/runs/" + job.key + "/cancel", {}).then(function (r) { if (r.ok) { clearInterval(timer); job = null; paint(r.data); } });
  });

  /* Results of one run: figures, downloads, OPD, ladder, phases, gaps, and its backbone on the map. */
  function rows(tbody, list, cols) {
    P.clear(tbody);
    list.forEach(function (r) { tbody.appendChild(P.el.apply(null, ["tr", null].concat(cols.map(function (c) { return P.el("td", null, r[c]); })))); });
  }
  P.showResult = function (key) {
    if (!key) { return Promise.resolve(); }
    P.$("res-select").value = key;
    return P.api("GET", "/api/results/" + key).then(function (r) {
      if (!r.ok) { P.report(r, null); return; }
      var d = r.data;
      P.result = d;
      P.$("res-head").textContent = d.city + " — " + d.title + " (" + d.scenario + ", " + P.t("data_version") + " " + d.version + ")";
      var fb = P.clear(P.$("res-figures").tBodies[0]);
      d.figures.forEach(function (f) { fb.appendChild(P.el("tr", { "data-key": f.key }, P.el("th", null, f.label), P.el("td", { "class": "num" }, f.text))); });
      var notes = P.clear(P.$("res-notes"));
      d.notes.forEach(function (n) { notes.appendChild(P.el("li", { "class": "muted" }, n)); });
      var dl = P.clear(P.$("res-downloads"));
      d.downloads.forEach(function (n) {
        dl.appendChild(P.el("li", null, P.el("a", { href: "/runs/" + key + "/" + n + "?download=1", download: n, "data-file": n }, n),
          /\.html$/.test(n) ? P.el("a", { href: "/runs/" + key + "/" + n, target: "_blank", rel: "noopener", "class": "small" }, " " + P.t("open")) : null));
      });
      P.$("res-opd").textContent = d.opd.text;
      var ou = P.clear(P.$("res-opd-unplaced"));
      d.opd.unplaced.forEach(function (o) { ou.appendChild(P.el("li", null, o.name + (o.short ? " (" + o.short + ")" : "") + " — " + o.why)); });
      rows(P.$("res-ladder").tBodies[0], d.ladder, ["level", "sites", "km", "cost_base", "rab_total"]);
      P.$("res-phases-wrap").hidden = !d.phases.length;
      rows(P.$("res-phases").tBodies[0], d.phases, ["phase", "year", "ceiling", "cost_base", "km", "sites"]);
      rows(P.$("res-gaps").tBodies[0], d.gaps, ["name", "category", "status", "reason"]);
      return P.api("GET", "/runs/" + key + "/backbone.geojson").then(function (b) { if (b.ok) { P.drawPlan(b.data); } });
    });
  };
  P.$("res-select").addEventListener("change", function () { P.showResult(this.value); });
  P.onTab.results = function () { return P.loadRuns().then(function () { if (!P.result && P.finished.length) { P.showResult(P.finished[0].key); } }); };
  P.onTab.run = function () { return P.loadRuns(); };

  /* Compare: figures side by side, and each run's map. */
  P.onTab.compare = function () { return P.loadRuns(); };
  P.$("cmp-go").addEventListener("click", function () {
    var keys = Array.prototype.filter.call(P.$("cmp-list").querySelectorAll("input"), function (i) { return i.checked; }).map(function (i) { return i.value; });
    P.api("GET", "/api/compare?keys=" + keys.join(",")).then(function (r) {
      if (!r.ok) { P.report(r, null); return; }
      var cols = r.data.columns, table = P.$("cmp-table");
      P.clear(table.tHead); P.clear(table.tBodies[0]);
      table.tHead.appendChild(P.el.apply(null, ["tr", null, P.el("th", null, "")].concat(cols.map(function (c) { return P.el("th", null, c.scenario + " (v" + c.version + ")"); }))));
      cols[0].figures.forEach(function (f, i) {
        table.tBodies[0].appendChild(P.el.apply(null, ["tr", { "data-key": f.key }, P.el("th", null, f.label)].concat(cols.map(function (c) { return P.el("td", { "class": "num" }, c.figures[i] ? c.figures[i].text : ""); }))));
      });
      var maps = P.clear(P.$("cmp-maps"));
      cols.forEach(function (c) {
        maps.appendChild(P.el("figure", null, P.el("figcaption", null, c.scenario + " — " + c.title),
          P.el("iframe", { src: "/runs/" + c.key + "/map.html", title: c.scenario, loading: "lazy" })));
      });
    });
  });
  P.ready.push(function () { return P.loadRuns(); });
})();
