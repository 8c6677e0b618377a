/* planner app — shared helpers: labels, API calls, tabs, the author's name, messages. */
"use strict";
var P = window.P = {};

P.token = document.querySelector('meta[name="planner-token"]').content;
P.lang = document.querySelector('meta[name="planner-lang"]').content;
P.L = JSON.parse(document.getElementById("labels").textContent);
P.version = 0;

/* Text of label app.KEY with {placeholders} filled. */
P.t = function (key, kw) {
  var s = (P.L.app && P.L.app[key]) || key;
  if (kw) { Object.keys(kw).forEach(function (k) { s = s.split("{" + k + "}").join(String(kw[k])); }); }
  return s;
};
P.label = function (section, key) { return (P.L[section] && P.L[section][key]) || key; };

/* Build an element: attributes and children (strings become text nodes, never HTML). */
P.el = function (tag, attrs) {
  var e = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (k) {
    var v = attrs[k];
    if (v === null || v === undefined || v === false) { return; }
    if (k === "text") { e.textContent = v; } else if (k.slice(0, 2) === "on") { e.addEventListener(k.slice(2), v); }
    else { e.setAttribute(k, v === true ? "" : v); }
  });
  for (var i = 2; i < arguments.length; i++) {
    var c = arguments[i];
    if (c === null || c === undefined) { continue; }
    e.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
  return e;
};
P.clear = function (e) { while (e.firstChild) { e.removeChild(e.firstChild); } return e; };
P.$ = function (id) { return document.getElementById(id); };

/* Call the API: resolves to {ok, status, data}; never rejects on HTTP errors. */
P.api = function (method, url, body, raw) {
  var opts = { method: method, headers: { "X-Planner-Token": P.token }, credentials: "same-origin" };
  if (body !== undefined && !raw) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
  if (raw) { opts.headers["Content-Type"] = "application/octet-stream"; opts.body = body; }
  return fetch(url, opts).then(function (r) {
    return r.json().catch(function () { return {}; }).then(function (d) { return { ok: r.ok, status: r.status, data: d }; });
  }).catch(function (err) { return { ok: false, status: 0, data: { error: P.t("offline") + " (" + err + ")" } }; });
};

/* The author's name, kept in this browser. */
P.who = function () { return P.$("who").value.trim(); };
(function () {
  var w = P.$("who");
  try { w.value = localStorage.getItem("planner-who") || ""; } catch (e) { /* private mode */ }
  w.addEventListener("change", function () { try { localStorage.setItem("planner-who", w.value.trim()); } catch (e) { /* */ } });
})();

/* A banner at the top: kind is "ok", "error" or "conflict". */
P.banner = function (text, kind) {
  var b = P.$("banner");
  b.textContent = text; b.className = "banner " + (kind || "ok"); b.hidden = !text;
  if (kind === "ok") { setTimeout(function () { if (b.textContent === text) { b.hidden = true; } }, 6000); }
};

/* Show the outcome of an API call in a message list; returns true on success. */
P.report = function (res, list, okText) {
  if (list) { P.clear(list); }
  if (res.ok) {
    if (okText) { P.banner(okText, "ok"); }
    (res.data.messages || []).forEach(function (m) { list && list.appendChild(P.el("li", { "class": m.severity }, m.severity + ": " + m.text)); });
    if (list && !(res.data.messages || []).length) { list.appendChild(P.el("li", { "class": "ok" }, P.t("no_messages"))); }
    return true;
  }
  var d = res.data || {};
  P.banner((res.status === 409 ? P.t("conflict") + ": " : "") + (d.error || ("HTTP " + res.status)),
    res.status === 409 ? "conflict" : "error");
  (d.messages || []).forEach(function (m) { list && list.appendChild(P.el("li", { "class": m.severity }, m.severity + ": " + m.text)); });
  return false;
};

/* Tabs: #data, #edit, … ; each screen may ask for the map. */
P.onTab = {};
P.showTab = function (name) {
  if (!P.$("tab-" + name)) { name = "data"; }
  document.querySelectorAll(".tab").forEach(function (t) { t.hidden = t.id !== "tab-" + name; });
  document.querySelectorAll("#tabs a").forEach(function (a) { a.classList.toggle("active", a.dataset.tab === name); });
  var wide = P.$("tab-" + name).classList.contains("wide") || name === "scenario";
  document.body.classList.toggle("nomap", wide);
  P.tab = name;
  if (P.map) { setTimeout(function () { P.map.invalidateSize(); }, 0); }
  // body[data-tab-busy] is "1" until the screen's own loading (if any) has finished
  document.body.dataset.tabBusy = "1";
  var done = function () { if (P.tab === name) { document.body.dataset.tabBusy = ""; } };
  Promise.resolve(P.onTab[name] ? P.onTab[name]() : null).then(done, done);
};
window.addEventListener("hashchange", function () { P.showTab(location.hash.slice(1)); });

P.fmtTime = function (iso) { return (iso || "").replace("T", " ").replace("+00:00", " UTC"); };
P.ready = [];
document.addEventListener("DOMContentLoaded", function () {
  Promise.all(P.ready.map(function (f) { return f(); })).then(function () {
    P.showTab(location.hash.slice(1) || "data");
    document.body.dataset.ready = "1";
  });
});
