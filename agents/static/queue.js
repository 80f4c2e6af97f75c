// The live queue: every few seconds ask /antrean/perubahan (with the ETag of the last
// answer) whether the filtered queue changed; when it did, fetch the table again and
// swap it in, keeping what was ticked. A later page fetches its own page again (its
// cursor and filters) and, when new tickets arrived that it does not show, says so with
// a link to the first page. The tab title counts the tickets that arrived since the
// page was opened. An optional beep (off by default, kept in this browser) sounds when
// that count grows. Plus the queue's small helpers: "select all" and the bulk bar's
// fields. Deleting a view asks on the server's confirmation page, not in a dialog.
(function () {
  var root = document.getElementById("antrean");
  if (!root) return;
  var SOUND_KEY = "suarawarga.antrean.bunyi";
  var baseTitle = document.title;
  var since = root.querySelector("#antrean-isi").getAttribute("data-newest") || "0";
  var etag = null;
  var lastNew = 0;
  var status = document.getElementById("status-langsung");
  var elsewhere = document.getElementById("ada-baru");  // only on a later page
  var sound = document.getElementById("bunyi");

  try { sound.checked = window.localStorage.getItem(SOUND_KEY) === "1"; } catch (e) { /* private mode */ }
  sound.addEventListener("change", function () {
    try { window.localStorage.setItem(SOUND_KEY, sound.checked ? "1" : "0"); } catch (e) { /* ignore */ }
  });

  function beep() {
    if (!sound.checked) return;
    document.body.setAttribute("data-beeps", String(Number(document.body.getAttribute("data-beeps") || 0) + 1));
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      var ctx = new Ctx();
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.15;
      osc.connect(gain); gain.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.25);
      osc.onended = function () { ctx.close(); };
    } catch (e) { /* no audio on this device: the title still counts */ }
  }

  function ticked() {
    var out = {};
    document.querySelectorAll("#antrean input[name=tiket]:checked").forEach(function (box) {
      out[box.value.split(":")[0]] = true;
    });
    return out;
  }

  function swap(html, arrived) {
    var keep = ticked();
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.querySelector("#antrean-isi");
    if (!fresh) return;
    root.querySelector("#antrean-isi").replaceWith(fresh);
    fresh.setAttribute("data-newest", since);  // new rows stay counted from the page's start
    var shown = 0;
    fresh.querySelectorAll("tr[data-id]").forEach(function (row) {
      if (Number(row.getAttribute("data-id")) > Number(since)) { row.classList.add("baru"); shown += 1; }
      var box = row.querySelector("input[name=tiket]");
      if (box && keep[row.getAttribute("data-number")]) box.checked = true;
    });
    if (elsewhere) elsewhere.hidden = arrived <= shown;
    wireSelectAll();
  }

  function look() {
    var headers = {"Accept": "application/json"};
    if (etag) headers["If-None-Match"] = etag;
    var url = root.getAttribute("data-changes") + (root.getAttribute("data-changes").indexOf("?") < 0 ? "?" : "&") + "sejak=" + since;
    return fetch(url, {headers: headers, credentials: "same-origin", cache: "no-store"})
      .then(function (r) {
        if (r.status === 304) return null;
        if (!r.ok) throw new Error(String(r.status));
        etag = r.headers.get("ETag");
        return r.json();
      })
      .then(function (state) {
        if (state === null) return null;
        document.title = (state.baru > 0 ? "(" + state.baru + ") " : "") + baseTitle;
        if (state.baru > lastNew) beep();
        lastNew = state.baru;
        return fetch(root.getAttribute("data-table"), {credentials: "same-origin", cache: "no-store"})
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) { if (html) swap(html, state.baru); });
      })
      .then(function () { status.textContent = ""; })
      .catch(function () { status.textContent = "Pembaruan otomatis terputus; mencoba lagi…"; });
  }

  function loop() {
    look().then(function () { window.setTimeout(loop, Number(root.getAttribute("data-poll")) || 2000); });
  }
  window.setTimeout(loop, Number(root.getAttribute("data-poll")) || 2000);

  function wireSelectAll() {
    var all = document.getElementById("pilih-semua");
    if (!all) return;
    all.addEventListener("change", function () {
      document.querySelectorAll("#antrean input[name=tiket]").forEach(function (box) { box.checked = all.checked; });
    });
  }
  wireSelectAll();

  var action = document.getElementById("bulk-action");
  function showFields() {
    document.querySelectorAll("#massal [data-for]").forEach(function (el) {
      el.hidden = el.getAttribute("data-for") !== action.value;
    });
  }
  if (action) { action.addEventListener("change", showFields); showFields(); }
})();
