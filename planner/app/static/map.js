/* planner app — the map: kelurahan, roads, existing fiber, sites, a run's backbone; picking and drawing. */
"use strict";
(function () {
  var COLORS = { opd: "#c1121f", hospital: "#e76f51", puskesmas: "#f4a261", kantor_camat: "#2a9d8f",
    kantor_lurah: "#264653", school: "#3a86ff", clinic: "#8d99ae" };
  var map = P.map = L.map("map", { preferCanvas: true, zoomControl: true, attributionControl: false });
  map.setView([0.13, 117.47], 12);
  var layers = P.layers = {
    kelurahan: L.geoJSON(null, { style: { color: "#6c757d", weight: 1, fillColor: "#e9ecef", fillOpacity: 0.35 },
      onEachFeature: function (f, l) { l.bindTooltip(P.el("span", { text: f.properties.name || "" }), { sticky: true }); } }),
    roads: L.geoJSON(null, { interactive: false, style: function (f) {
      var c = f.properties.road_class;
      return { color: c === "arteri" ? "#495057" : "#adb5bd", weight: c === "arteri" ? 3 : (c === "lokal" ? 2 : 1) };
    } }),
    fiber: L.geoJSON(null, { style: function (f) {
      var il = f.properties.status !== "as-built";
      return { color: "#7b2cbf", weight: 5, opacity: 0.9, dashArray: il ? "6 6" : null };
    }, onEachFeature: function (f, l) {
      var p = f.properties;
      l.bindTooltip(P.el("span", { text: p.fiber_id + " — " + p.status + (p.length_m ? " — " + Math.round(+p.length_m) + " m" : "") }));
    } }),
    plan: L.geoJSON(null, { style: function (f) {
      var p = f.properties;
      if (p.part === "drop") { return { color: "#fb8500", weight: 2 }; }
      return { color: p.status === "reused" ? "#7b2cbf" : "#d00000", weight: 4 };
    } }),
    sites: L.layerGroup(),
    edit: L.layerGroup()
  };
  ["kelurahan", "roads", "plan", "fiber", "sites", "edit"].forEach(function (k) { layers[k].addTo(map); });
  var overlays = {};
  overlays[P.t("layer_kelurahan")] = layers.kelurahan; overlays[P.t("layer_roads")] = layers.roads;
  overlays[P.t("layer_fiber")] = layers.fiber; overlays[P.t("layer_sites")] = layers.sites;
  overlays[P.t("layer_plan")] = layers.plan;
  L.control.layers(null, overlays, { collapsed: true }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);

  P.markers = {};
  P.drawSites = function (sites) {
    layers.sites.clearLayers(); P.markers = {};
    sites.forEach(function (s) {
      if (!s.placed || s.lat === null) { return; }
      var m = L.circleMarker([s.lat, s.lon], { radius: s.category === "school" ? 4 : 6, color: "#fff", weight: 1,
        fillColor: COLORS[s.category] || "#000", fillOpacity: 0.95 });
      m.bindTooltip(P.el("span", { text: s.name + " (" + P.label("category", s.category) + ")" }));  // text, never HTML
      m.on("click", function (ev) {
        L.DomEvent.stopPropagation(ev);
        // while drawing a route or placing an unplaced site, a click on a site is a point, not a selection
        if (P.drawing || P.placing) { P.mapClick(ev.latlng); } else if (P.selectSite) { P.selectSite(s.id, true); }
      });
      m.siteId = s.id;
      m.addTo(layers.sites);
      P.markers[s.id] = m;
    });
  };
  P.drawFiber = function (fc) { layers.fiber.clearLayers(); layers.fiber.addData(fc); };
  P.drawPlan = function (fc) { layers.plan.clearLayers(); if (fc) { layers.plan.addData(fc); } };

  /* One handler decides what a click on the map means (place a site, add a route point, …). */
  P.mapClick = null;
  map.on("click", function (ev) { if (P.mapClick) { P.mapClick(ev.latlng); } });

  /* A draggable pin (a div icon: no image files needed). */
  P.pin = function (latlng, onMove) {
    layers.edit.clearLayers();
    if (!latlng) { return null; }
    var icon = L.divIcon({ className: "pin", html: "", iconSize: [18, 18], iconAnchor: [9, 9] });
    var mk = L.marker(latlng, { draggable: true, icon: icon, autoPan: true }).addTo(layers.edit);
    mk.on("dragend", function () { onMove(mk.getLatLng()); });
    return mk;
  };

  /* Drawing a route: each click adds a point; the length is measured as drawn. */
  P.drawing = null;
  P.startDrawing = function (onChange) {
    var pts = [];
    map.doubleClickZoom.disable();  // two quick clicks are two route points, not a zoom
    var line = L.polyline([], { color: "#7b2cbf", weight: 5, dashArray: "2 8" }).addTo(layers.edit);
    P.drawing = { points: pts, line: line, length: function () {
      var m = 0; for (var i = 1; i < pts.length; i++) { m += map.distance(pts[i - 1], pts[i]); } return m; } };
    P.mapClick = function (ll) { pts.push(ll); line.setLatLngs(pts); onChange(P.drawing); };
    P.drawing.undo = function () { pts.pop(); line.setLatLngs(pts); onChange(P.drawing); };
    onChange(P.drawing);
  };
  P.stopDrawing = function () {
    var d = P.drawing; P.drawing = null; P.mapClick = null; layers.edit.clearLayers();
    map.doubleClickZoom.enable(); return d;
  };

  P.ready.push(function () {
    return Promise.all([P.api("GET", "/api/layers/kelurahan"), P.api("GET", "/api/layers/roads")]).then(function (r) {
      if (r[0].ok) { layers.kelurahan.addData(r[0].data); map.fitBounds(layers.kelurahan.getBounds()); }
      if (r[1].ok) { layers.roads.addData(r[1].data); }
    });
  });
})();
