// A file over the limit is refused before it is sent: the server would refuse the whole
// body (413) and the typed answer would be lost with it.
(function () {
  var form = document.getElementById("form-tanggapan");
  if (!form) return;
  var limit = parseInt(form.getAttribute("data-max-bytes"), 10);
  var input = document.getElementById("file");
  var warning = document.getElementById("err-file-size");
  form.addEventListener("submit", function (event) {
    var file = input.files && input.files[0];
    if (file && file.size > limit) {
      event.preventDefault();
      warning.hidden = false;
    }
  });
  input.addEventListener("change", function () { warning.hidden = true; });
})();
