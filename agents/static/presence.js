// "Sedang dibuka oleh ...": the ticket page tells the server it is open (a POST every few
// seconds, one more when it is left) and shows who else has the ticket open.
(function () {
  var box = document.getElementById("sedang-dibuka");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-url");
  var every = parseInt(box.getAttribute("data-every"), 10) * 1000 || 20000;
  var token = box.getAttribute("data-csrf");
  function send(leaving) {
    var body = new URLSearchParams();
    body.set("csrf_token", token);
    if (leaving) body.set("pergi", "1");
    return fetch(url, {method: "POST", body: body, credentials: "same-origin",
                       keepalive: !!leaving, headers: {"X-CSRFToken": token}});
  }
  function beat() {
    send(false).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (!data) return;
      if (data.others.length) {
        box.textContent = "Sedang dibuka oleh " + data.others.join(", ");
        box.hidden = false;
      } else {
        box.textContent = "";
        box.hidden = true;
      }
    }).catch(function () {});
  }
  beat();
  var timer = setInterval(beat, every);
  window.addEventListener("pagehide", function () { clearInterval(timer); send(true); });
})();
