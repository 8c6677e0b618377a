/* planner app — Edit screen: place/move/add sites, category, priority, fiber routes, history and undo. */
"use strict";
(function () {
  var pending = null;      // {lat, lon} chosen for the selected site
  var newPoint = null;     // point of a new site
  var msgs = function () { return P.$("edit-messages"); };

  /* Every edit says who and why; refuse to send without them. */
  function signed(extra) {
    var who = P.who(), why = P.$("why").value.trim();
    if (!who) { P.banner(P.t("need_who"), "error"); P.$("who").focus(); return null; }
    if (!why) { P.banner(P.t("need_why"), "error"); P.$("why").focus(); return null; }
    var body = { who: who, why: why, base_version: P.version };
    Object.keys(extra || {}).forEach(function (k) { body[k] = extra[k]; });
    return body;
  }
  /* The version an edit of one object is based on: what this browser saw of it. */
  function baseOf(site) { return site ? Math.max(site.seen || 0, P.version) : P.version; }

  function after(res, okText) {
    var ok = P.report(res, msgs(), okText);
    return P.reloadData().then(loadHistory).then(function () { return ok; });
  }

  function fillSiteSelect() {
    var sel = P.clear(P.$("edit-site"));
    sel.appendChild(P.el("option", { value: "" }, P.t("choose_site")));
    var un = P.el("optgroup", { label: P.t("unplaced_sites") }), pl = P.el("optgroup", { label: P.t("placed_sites") });
    P.sites.forEach(function (s) {
      (s.placed ? pl : un).appendChild(P.el("option", { value: s.id, selected: s.id === P.selected }, s.name + " — " + P.label("category", s.category)));
    });
    sel.appendChild(un); sel.appendChild(pl);
  }
  P.$("edit-site").addEventListener("change", function () { if (this.value) { P.selectSite(this.value, false); } });

  P.showSiteCard = function (id) {
    var s = P.siteById[id];
    P.$("site-card").hidden = !s;
    if (!s) { return; }
    s.seen = P.version;
    P.$("edit-site").value = id;
    P.$("site-card-title").textContent = s.name;
    P.$("site-card-info").textContent = [P.label("category", s.category), s.kelurahan, P.label("quality", s.quality),
      s.opd.length ? "OPD: " + s.opd.join(", ") : "", s.note].filter(Boolean).join(" · ");
    P.$("edit-category").value = s.category;
    P.$("edit-priority").value = s.priority || "";
    pending = s.placed ? { lat: s.lat, lon: s.lon } : null;
    P.$("edit-lat").value = pending ? pending.lat : "";
    P.$("edit-lon").value = pending ? pending.lon : "";
    P.$("place-hint").textContent = s.placed ? P.t("move_hint") : P.t("place_hint");
    if (P.tab === "edit" && !P.drawing) { armPlacing(); }
  };

  function setPending(ll) {
    pending = { lat: +ll.lat.toFixed(7), lon: +ll.lng.toFixed(7) };
    P.$("edit-lat").value = pending.lat; P.$("edit-lon").value = pending.lon;
    P.pin(ll, setPending);
  }
  function armPlacing() {
    var s = P.siteById[P.selected];
    P.mapClick = s ? setPending : null;
    P.placing = !!(s && !s.placed);
    P.pin(s && s.placed ? L.latLng(s.lat, s.lon) : null, setPending);
  }

  P.$("save-location").addEventListener("click", function () {
    var s = P.siteById[P.selected];
    var lat = parseFloat(String(P.$("edit-lat").value).replace(",", ".")), lon = parseFloat(String(P.$("edit-lon").value).replace(",", "."));
    if (!s || isNaN(lat) || isNaN(lon)) { P.banner(P.t("need_point"), "error"); return; }
    var body = signed({ lat: lat, lon: lon, quality: P.$("edit-quality").value });
    if (!body) { return; }
    body.base_version = baseOf(s);
    P.api("POST", "/api/sites/" + encodeURIComponent(s.id) + "/location", body).then(function (r) {
      return after(r, P.t("saved_location", { name: s.name }));
    }).then(function () { P.showSiteCard(s.id); });
  });
  P.$("save-category").addEventListener("click", function () {
    var s = P.siteById[P.selected]; if (!s) { return; }
    var body = signed({ category: P.$("edit-category").value }); if (!body) { return; }
    body.base_version = baseOf(s);
    P.api("POST", "/api/sites/" + encodeURIComponent(s.id) + "/category", body).then(function (r) { return after(r, P.t("saved")); });
  });
  P.$("save-priority").addEventListener("click", function () {
    var s = P.siteById[P.selected]; if (!s) { return; }
    var v = P.$("edit-priority").value.trim().replace(",", ".");
    var body = signed({ priority: v === "" ? null : parseFloat(v) }); if (!body) { return; }
    body.base_version = baseOf(s);
    P.api("POST", "/api/sites/" + encodeURIComponent(s.id) + "/priority", body).then(function (r) { return after(r, P.t("saved")); });
  });

  /* New site: pick a point, then add. */
  P.$("pick-new").addEventListener("click", function () {
    P.banner(P.t("click_map_new"), "ok");
    P.mapClick = function (ll) {
      newPoint = { lat: +ll.lat.toFixed(7), lon: +ll.lng.toFixed(7) };
      P.$("new-point").textContent = newPoint.lat + ", " + newPoint.lon;
      P.pin(ll, function (m) { newPoint = { lat: +m.lat.toFixed(7), lon: +m.lng.toFixed(7) }; P.$("new-point").textContent = newPoint.lat + ", " + newPoint.lon; });
    };
  });
  P.$("save-new").addEventListener("click", function () {
    if (!newPoint) { P.banner(P.t("need_point"), "error"); return; }
    var body = signed({ name: P.$("new-name").value, category: P.$("new-category").value, subtype: P.$("new-subtype").value,
      lat: newPoint.lat, lon: newPoint.lon, quality: P.$("edit-quality").value });
    if (!body) { return; }
    P.api("POST", "/api/sites", body).then(function (r) { return after(r, P.t("saved")); }).then(function (ok) {
      if (ok) { newPoint = null; P.$("new-point").textContent = ""; P.$("new-name").value = ""; armPlacing(); }
    });
  });

  /* Fiber routes. */
  function fiberList() {
    var ul = P.clear(P.$("fiber-list"));
    P.fiber.features.forEach(function (f) {
      var p = f.properties;
      ul.appendChild(P.el("li", null, P.el("b", null, p.fiber_id), " — " + p.status + (p.length_m ? ", " + Math.round(+p.length_m) + " m" : "") + " ",
        p.status !== "as-built" ? P.el("button", { "class": "small", onclick: function () { fiberAction(f, "status", { status: "as-built" }); } }, P.t("mark_surveyed")) : null,
        P.el("button", { "class": "small", onclick: function () { fiberAction(f, "delete", {}); } }, P.t("delete"))));
    });
    if (!P.fiber.features.length) { ul.appendChild(P.el("li", { "class": "muted" }, P.t("no_fiber"))); }
  }
  function fiberAction(f, what, extra) {
    var body = signed(extra); if (!body) { return; }
    body.base_version = Math.max(P.version, f.properties._rev || 0);
    P.api("POST", "/api/fiber/" + encodeURIComponent(f.properties.fiber_id) + "/" + what, body).then(function (r) { return after(r, P.t("saved")); });
  }
  function drawButtons(on) {
    P.$("draw-start").hidden = on; P.$("draw-finish").hidden = !on; P.$("draw-cancel").hidden = !on; P.$("draw-undo").hidden = !on;
  }
  var preview = null;
  function clicked(d) {
    return d.points.map(function (p) { return [+p.lng.toFixed(7), +p.lat.toFixed(7)]; });
  }
  P.$("draw-start").addEventListener("click", function () {
    P.pin(null); drawButtons(true);
    P.startDrawing(function (d) {
      var follow = P.$("follow-roads").checked;
      if (preview) { P.layers.edit.removeLayer(preview); preview = null; }
      if (!follow || d.points.length < 2) {
        P.$("draw-length").textContent = P.t("draw_length", { points: d.points.length, m: Math.round(d.length()) });
        return;
      }
      P.api("POST", "/api/route", { points: clicked(d) }).then(function (r) {
        if (!P.drawing) { return; }
        if (preview) { P.layers.edit.removeLayer(preview); preview = null; }
        if (!r.ok) { P.$("draw-length").textContent = r.data.error || ""; P.drawing.roadLength = null; return; }
        preview = L.geoJSON(r.data.geometry, { style: { color: "#7b2cbf", weight: 6, opacity: 0.8 } }).addTo(P.layers.edit);
        P.drawing.roadLength = r.data.length_m;
        P.$("draw-length").textContent = P.t("draw_length_roads", { points: d.points.length, m: Math.round(r.data.length_m) });
      });
    });
  });
  P.$("draw-undo").addEventListener("click", function () { if (P.drawing) { P.drawing.undo(); } });
  P.$("draw-cancel").addEventListener("click", function () { P.stopDrawing(); preview = null; drawButtons(false); P.$("draw-length").textContent = ""; armPlacing(); });
  P.$("draw-finish").addEventListener("click", function () {
    if (!P.drawing || P.drawing.points.length < 2) { P.banner(P.t("need_two_points"), "error"); return; }
    var body = signed({ status: P.$("fiber-status").value }); if (!body) { return; }
    body.follow_roads = P.$("follow-roads").checked;
    var d = P.stopDrawing(); preview = null; drawButtons(false); P.$("draw-length").textContent = "";
    body.geometry = { type: "LineString", coordinates: clicked(d) };
    P.api("POST", "/api/fiber", body).then(function (r) { return after(r, P.t("saved_route")); }).then(armPlacing);
  });
  P.$("fiber-import").addEventListener("click", function () {
    var file = P.$("fiber-file").files[0];
    if (!file) { P.banner(P.t("choose_file"), "error"); return; }
    var body = signed({}); if (!body) { return; }
    var q = "?name=" + encodeURIComponent(file.name) + "&who=" + encodeURIComponent(body.who) + "&why=" + encodeURIComponent(body.why) +
      "&base_version=" + body.base_version + "&status=" + encodeURIComponent(P.$("fiber-status").value);
    P.api("POST", "/api/fiber/import" + q, file, true).then(function (r) { return after(r, P.t("saved_route")); });
  });

  /* History and undo. */
  function loadHistory() {
    return P.api("GET", "/api/history?limit=50").then(function (r) {
      if (!r.ok) { return; }
      var ol = P.clear(P.$("history"));
      r.data.edits.forEach(function (e) {
        var li = P.el("li", { "class": e.undone_by ? "undone" : "" },
          P.el("span", { "class": "muted" }, "#" + e.seq + " " + P.fmtTime(e.at) + " — "), P.el("b", null, e.who), ": " + e.summary,
          P.el("div", { "class": "why" }, "“" + e.why + "”"));
        if (!e.undone_by && e.undoes === null) {
          li.appendChild(P.el("button", { "class": "small", onclick: function () { undo(e.seq); } }, P.t("undo")));
        }
        ol.appendChild(li);
      });
    });
  }
  function undo(seq) {
    var body = signed({ seq: seq }); if (!body) { return; }
    P.api("POST", "/api/undo", body).then(function (r) { return after(r, P.t("undone")); });
  }
  P.$("undo-last").addEventListener("click", function () { undo(null); });

  P.afterReload = function () { fillSiteSelect(); fiberList(); if (P.selected) { P.showSiteCard(P.selected); } };
  P.onTab.edit = function () { if (!P.drawing) { armPlacing(); } return loadHistory(); };
  var leaving = P.showTab;
  P.showTab = function (name) {
    if (name !== "edit" && P.tab === "edit") {
      if (P.drawing) { P.stopDrawing(); drawButtons(false); }
      P.mapClick = null; P.placing = false; P.pin(null);
    }
    leaving(name);
  };
})();
