// A desa/kelurahan list follows its kecamatan: a <select data-follows="kecamatan_id">
// offers only the <optgroup data-kecamatan="ID"> of the kecamatan chosen in the same form
// (all of them while none is chosen), and forgets a desa of another kecamatan. Without
// JavaScript the grouped list still works, and the server refuses a desa outside the
// chosen kecamatan (analytics.places.set_location).
(function () {
  document.querySelectorAll("select[data-follows]").forEach(function (desa) {
    var kec = desa.form && desa.form.elements[desa.getAttribute("data-follows")];
    if (!kec) return;
    function follow() {
      var chosen = kec.value;
      desa.querySelectorAll("optgroup[data-kecamatan]").forEach(function (group) {
        var show = !chosen || group.getAttribute("data-kecamatan") === chosen;
        group.hidden = !show;
        group.disabled = !show;
      });
      var picked = desa.options[desa.selectedIndex];
      if (picked && picked.parentNode.disabled) desa.value = "";
    }
    kec.addEventListener("change", follow);
    follow();
  });
})();
