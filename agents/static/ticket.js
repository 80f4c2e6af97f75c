// Clicking a transcript word seeks the recording to that word and plays it.
// A voice note's transcript (class "voice": its own player) works the same way.
(function () {
  document.querySelectorAll(".voice").forEach(function (voice) {
    var player = voice.querySelector("audio");
    voice.addEventListener("click", function (event) {
      var start = event.target.getAttribute && event.target.getAttribute("data-start");
      if (!player || start === null || start === undefined) return;
      player.currentTime = parseFloat(start);
      player.play();
    });
  });
})();
(function () {
  var player = document.getElementById("player");
  var transcript = document.getElementById("transcript");
  if (!player || !transcript) return;
  transcript.addEventListener("click", function (event) {
    var start = event.target.getAttribute && event.target.getAttribute("data-start");
    if (start === null || start === undefined) return;
    player.currentTime = parseFloat(start);
    player.play();
  });
})();
