/* planner app — Scenario screen: the form over the scenario TOML the CLI reads. */
"use strict";
(function () {
  P.scenarios = [];
  var items = [];
  var form = P.$("sc-form");

  function current() {
    var name = P.$("sc-select").value;
    return P.scenarios.filter(function (s) { return s.name === name; })[0];
  }
  function fillSelects(keep) {
    var sig = JSON.stringify(P.scenarios.map(function (s) { return [s.name, s.title]; }));
    ["sc-select", "run-scenario"].forEach(function (id) {
      var sel = P.$(id), was = keep && id === "sc-select" ? keep : sel.value;
      if (sel.dataset.sig === sig) { if (was) { sel.value = was; } return; }  // unchanged: no re-render
      sel.dataset.sig = sig;
      P.clear(sel);
      P.scenarios.forEach(function (s) { sel.appendChild(P.el("option", { value: s.name, selected: s.name === was }, s.name + (s.title ? " — " + s.title : ""))); });
    });
  }
  P.loadScenarios = function (keep) {
    return P.api("GET", "/api/scenarios").then(function (r) {
      if (!r.ok) { return; }
      P.scenarios = r.data.scenarios; items = r.data.price_items;
      var dl = P.clear(P.$("site-ids"));
      r.data.site_ids.forEach(function (id) { dl.appendChild(P.el("option", { value: id })); });
      fillSelects(keep);
      show();
    });
  };

  function show() {
    var s = current(); if (!s) { return; }
    var f = s.form;
    form.elements.title.value = f.title || "";
    form.querySelectorAll('input[name="categories"]').forEach(function (c) { c.checked = f.categories.indexOf(c.value) >= 0; });
    form.elements.budget_idr.value = f.budget_idr === null || f.budget_idr === undefined ? "" : f.budget_idr;
    form.elements.includes_ppn.checked = f.includes_ppn;
    form.elements.level.value = f.level;
    form.elements.contingency_pct.value = f.contingency_pct || "";
    form.elements.start_year.value = f.start_year || "";
    form.elements.ceilings_idr.value = f.ceilings_idr.join("; ");
    form.elements.critical.value = f.critical.join(", ");
    form.elements.max_drop_m.value = f.max_drop_m;
    ["arteri", "lokal", "lain"].forEach(function (rc) { form.elements["dep_" + rc].value = f.deployment[rc]; });
    var body = P.clear(P.$("sc-prices").tBodies[0]);
    items.forEach(function (it) {
      var o = f.prices[it.item] || {};
      body.appendChild(P.el("tr", null, P.el("td", null, it.item), P.el("td", null, it.unit),
        P.el("td", { "class": "num" }, Math.round(it.base).toLocaleString(P.lang === "en" ? "en-US" : "id-ID")),
        P.el("td", null, P.el("input", { size: 5, "data-item": it.item, "data-key": "scale", value: o.scale === undefined ? "" : o.scale })),
        P.el("td", null, P.el("input", { size: 12, "data-item": it.item, "data-key": "base", value: o.base === undefined ? "" : o.base }))));
    });
    P.$("sc-toml").value = s.toml;
    P.clear(P.$("sc-messages"));
  }
  P.$("sc-select").addEventListener("change", show);

  function list(v) { return String(v || "").split(/[,;\s]+/).map(function (x) { return x.trim(); }).filter(Boolean); }
  function readForm(name) {
    var prices = {};
    P.$("sc-prices").querySelectorAll("input").forEach(function (i) {
      if (i.value.trim() !== "") { (prices[i.dataset.item] = prices[i.dataset.item] || {})[i.dataset.key] = i.value.trim().replace(",", "."); }
    });
    var s = current();
    // low/high given in the TOML are kept unless the form changes the base price
    if (s) { Object.keys(s.form.prices).forEach(function (k) { var o = s.form.prices[k];
      if (prices[k] && prices[k].base !== undefined && o.low !== undefined) { prices[k].low = o.low; prices[k].high = o.high; } }); }
    return {
      name: name, title: form.elements.title.value,
      categories: Array.prototype.filter.call(form.querySelectorAll('input[name="categories"]'), function (c) { return c.checked; }).map(function (c) { return c.value; }),
      budget_idr: form.elements.budget_idr.value.replace(/[^0-9]/g, ""), includes_ppn: form.elements.includes_ppn.checked,
      level: form.elements.level.value, contingency_pct: form.elements.contingency_pct.value.replace(",", "."),
      start_year: form.elements.start_year.value, ceilings_idr: form.elements.ceilings_idr.value.split(/[;\n]|,\s+|\s+/).map(function (x) { return x.replace(/[^0-9]/g, ""); }).filter(Boolean),
      critical: list(form.elements.critical.value), max_drop_m: form.elements.max_drop_m.value,
      deployment: { arteri: form.elements.dep_arteri.value, lokal: form.elements.dep_lokal.value, lain: form.elements.dep_lain.value },
      prices: prices
    };
  }
  function save(name, payload, baseRev) {
    var who = P.who();
    if (!who) { P.banner(P.t("need_who"), "error"); P.$("who").focus(); return; }
    payload.who = who; payload.why = P.$("why").value.trim() || P.t("scenario_saved_why"); payload.base_rev = baseRev;
    P.api("POST", "/api/scenarios/" + encodeURIComponent(name), payload).then(function (r) {
      var ul = P.clear(P.$("sc-messages"));
      if (r.ok) { P.banner(P.t("scenario_saved", { name: name }), "ok"); P.loadScenarios(name); }
      else { P.report(r, null); ul.appendChild(P.el("li", { "class": "error" }, r.data.error || "")); }
    });
  }
  P.$("sc-save").addEventListener("click", function () {
    var s = current(); if (!s) { return; }
    save(s.name, { form: readForm(s.name) }, s.rev);
  });
  P.$("sc-save-toml").addEventListener("click", function () {
    var s = current(); if (!s) { return; }
    save(s.name, { toml: P.$("sc-toml").value }, s.rev);
  });
  P.$("sc-new").addEventListener("click", function () {
    var name = P.$("sc-newname").value.trim().toLowerCase();
    if (!name) { P.banner(P.t("need_name"), "error"); return; }
    var s = current();
    save(name, { form: readForm(name) }, null);
    if (s) { P.$("sc-newname").value = ""; }
  });

  P.onTab.scenario = function () { return P.loadScenarios(P.$("sc-select").value); };
  P.ready.push(function () { return P.loadScenarios(); });
})();
