/* planner app — Data screen: the sites table beside the map (unplaced first), filters, validation. */
"use strict";
(function () {
  P.sites = [];
  P.siteById = {};
  P.fiber = { features: [] };

  P.reloadData = function () {
    return Promise.all([P.api("GET", "/api/sites"), P.api("GET", "/api/fiber")]).then(function (r) {
      if (r[0].ok) {
        P.sites = r[0].data.sites; P.version = r[0].data.version;
        P.siteById = {}; P.sites.forEach(function (s) { P.siteById[s.id] = s; });
        P.drawSites(P.sites);
      }
      if (r[1].ok) { P.fiber = r[1].data; P.drawFiber(P.fiber); }
      renderTable();
      if (P.afterReload) { P.afterReload(); }
    });
  };

  function matches(s) {
    var q = P.$("f-text").value.trim().toLowerCase();
    var cat = P.$("f-cat").value, qual = P.$("f-quality").value;
    if (P.$("f-unplaced").checked && s.placed) { return false; }
    if (cat && s.category !== cat) { return false; }
    if (qual && s.quality !== qual) { return false; }
    if (q && (s.name + " " + s.id + " " + s.kelurahan + " " + s.flags + " " + s.opd.join(" ")).toLowerCase().indexOf(q) < 0) { return false; }
    return true;
  }

  function renderTable() {
    var body = P.clear(P.$("sites-table").tBodies[0]);
    var shown = P.sites.filter(matches);
    var unplaced = P.sites.filter(function (s) { return !s.placed; }).length;
    P.$("site-count").textContent = P.t("site_count", { shown: shown.length, total: P.sites.length, unplaced: unplaced });
    shown.forEach(function (s) {
      var tr = P.el("tr", { "class": s.placed ? "" : "unplaced", "data-id": s.id, onclick: function () { P.selectSite(s.id, false); } },
        P.el("td", null, s.name, s.is_core ? P.el("span", { "class": "badge" }, P.t("core")) : null,
          s.placed ? null : P.el("span", { "class": "badge warn" }, P.label("quality", "unplaced"))),
        P.el("td", null, P.label("category", s.category)),
        P.el("td", null, s.kelurahan),
        P.el("td", null, P.label("quality", s.quality)),
        P.el("td", { "class": "small" }, s.flags.split("|").join(" ")),
        P.el("td", { "class": "small" }, s.opd.join(", ")));
      body.appendChild(tr);
    });
  }
  ["f-text", "f-cat", "f-quality", "f-unplaced"].forEach(function (id) {
    P.$(id).addEventListener("input", renderTable); P.$(id).addEventListener("change", renderTable);
  });

  P.loadValidation = function () {
    return P.api("GET", "/api/validate").then(function (r) {
      var list = P.clear(P.$("validation-list"));
      if (!r.ok) { P.$("validation-line").textContent = r.data.error || ""; return; }
      var err = r.data.messages.filter(function (m) { return m.severity === "error"; }).length;
      P.$("validation-line").textContent = P.t("validation_line", { errors: err, warnings: r.data.messages.length - err }) +
        " — " + (r.data.usable ? P.t("usable") : P.t("not_usable"));
      r.data.messages.slice(0, 100).forEach(function (m) { list.appendChild(P.el("li", { "class": m.severity }, m.severity + ": " + m.text)); });
    });
  };

  /* Select a site (from the table, the list or the map): highlight and show it in the Edit screen. */
  P.selectSite = function (id, fromMap) {
    P.selected = id;
    var s = P.siteById[id];
    document.querySelectorAll("#sites-table tr.selected").forEach(function (r) { r.classList.remove("selected"); });
    var row = document.querySelector('#sites-table tr[data-id="' + CSS.escape(id) + '"]');
    if (row) { row.classList.add("selected"); if (fromMap) { row.scrollIntoView({ block: "nearest" }); } }
    if (s && s.placed && !fromMap) { P.map.setView([s.lat, s.lon], Math.max(P.map.getZoom(), 15)); }
    if (P.showSiteCard) { P.showSiteCard(id); }
  };

  P.onTab.data = function () { return P.loadValidation(); };
  P.ready.push(P.reloadData);
})();
