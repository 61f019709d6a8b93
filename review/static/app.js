// recruitscan reviewer UI: keyboard shortcuts, lease countdown and
// heartbeat. No ad content is ever inserted as HTML here: the server
// renders it escaped, and this script only moves focus, clicks buttons
// and sets textContent.
(function () {
  "use strict";
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.content : "";
  var lastActivity = Date.now();

  // typing reports whether keys go to a text field (shortcuts then stay off);
  // a focused checkbox or button keeps them on.
  var nonText = { checkbox: 1, radio: 1, button: 1, submit: 1, reset: 1 };
  function typing(el) {
    if (!el) return false;
    var t = el.tagName;
    if (t === "INPUT") return !nonText[el.type];
    return t === "TEXTAREA" || t === "SELECT" || el.isContentEditable;
  }

  function toggleHelp(show) {
    var h = document.getElementById("help");
    if (!h) return;
    h.hidden = show === undefined ? !h.hidden : !show;
  }

  // Rows (queue) or highlighted phrases (ad view) that j/k move through.
  function targets() {
    var rows = document.querySelectorAll("#items tr.row");
    if (rows.length) return rows;
    return document.querySelectorAll("mark.hit");
  }

  var current = -1;
  function move(delta) {
    var ts = targets();
    if (!ts.length) return;
    current = Math.max(0, Math.min(ts.length - 1, current + delta));
    for (var i = 0; i < ts.length; i++) {
      ts[i].classList.toggle("selected", i === current);
      if (ts[i].tagName === "TR") ts[i].setAttribute("aria-selected", i === current ? "true" : "false");
    }
    var t = ts[current];
    if (t.tagName === "MARK") t.focus();
    t.scrollIntoView({ block: "nearest" });
  }

  function openSelected() {
    var ts = document.querySelectorAll("#items tr.row");
    if (current >= 0 && current < ts.length) {
      var href = ts[current].getAttribute("data-href");
      if (href && href.charAt(0) === "/") window.location.assign(href);
    }
  }

  function click(id) {
    var b = document.getElementById(id);
    if (b) b.click();
    return !!b;
  }

  var keys = {
    "j": function () { move(1); },
    "k": function () { move(-1); },
    "Enter": openSelected,
    " ": function () { return click("claim-next"); },
    "c": function () { return click("decide-confirm"); },
    "d": function () { return click("decide-dismiss"); },
    "e": function () { return click("decide-escalate"); },
    "s": function () { return click("decide-needs-second-look"); },
    "n": function () {
      var n = document.getElementById("note") || document.getElementById("add-note");
      if (n) n.focus();
      return !!n;
    },
    "/": function () { var q = document.getElementById("search"); if (q) q.focus(); return !!q; },
    "?": function () { toggleHelp(); }
  };

  document.addEventListener("keydown", function (ev) {
    lastActivity = Date.now();
    if (ev.key === "Escape") {
      toggleHelp(false);
      if (typing(document.activeElement)) document.activeElement.blur();
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) return;
    var f = keys[ev.key];
    if (!f) return;
    if (ev.key === "Enter" && current < 0) return;
    if (f() !== false) ev.preventDefault();
  });
  document.addEventListener("mousemove", function () { lastActivity = Date.now(); }, { passive: true });

  var helpButton = document.getElementById("help-toggle");
  if (helpButton) helpButton.addEventListener("click", function () { toggleHelp(); });

  document.querySelectorAll("#items tr.row").forEach(function (tr, i) {
    tr.addEventListener("click", function (ev) {
      if (ev.target.tagName !== "A") { current = i - 0; move(0); }
    });
  });

  // Lease countdown, and a heartbeat while the reviewer is active.
  var lease = document.getElementById("lease");
  var review = document.getElementById("review");
  if (!lease || !review) return;
  var itemID = review.getAttribute("data-item-id");
  var mine = lease.getAttribute("data-mine") === "true";
  // The server sends seconds left, so a skewed local clock does not matter.
  var deadline = Date.now() + 1000 * Number(lease.getAttribute("data-lease-seconds"));

  function remaining() {
    return deadline - Date.now();
  }
  function tick() {
    var ms = remaining();
    if (!(ms > 0)) {
      lease.textContent = "expired — the item may go to someone else";
      lease.classList.add("expired");
      return;
    }
    var s = Math.floor(ms / 1000);
    var m = Math.floor(s / 60);
    s = s % 60;
    lease.textContent = m + ":" + (s < 10 ? "0" : "") + s + " left";
    lease.classList.toggle("low", ms < 120000);
  }
  function heartbeat() {
    if (!mine || remaining() <= 0 || Date.now() - lastActivity > 5 * 60000) return;
    fetch("/api/v1/items/" + encodeURIComponent(itemID) + "/heartbeat", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf }
    }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (j) {
      if (j && typeof j.lease_seconds === "number") { deadline = Date.now() + 1000 * j.lease_seconds; tick(); }
    }).catch(function () {});
  }
  tick();
  setInterval(tick, 1000);
  var every = Number(lease.getAttribute("data-heartbeat-seconds")) || 60;
  setInterval(heartbeat, 1000 * Math.max(5, every));
})();
