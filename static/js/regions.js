// Progressive enhancement: show only the regencies of the chosen province. Without
// JavaScript the full list works and the server checks that the two agree.
(function () {
  document.querySelectorAll("select[data-regency-filter]").forEach(function (province) {
    var regency = document.getElementById(province.dataset.regencyFilter);
    if (!regency) return;
    var all = Array.prototype.slice.call(regency.options).map(function (o) { return o.cloneNode(true); });
    function filter() {
      var code = province.value, current = regency.value;
      regency.innerHTML = "";
      all.forEach(function (o) {
        if (!o.value || !code || o.value.indexOf(code + ".") === 0) regency.appendChild(o.cloneNode(true));
      });
      regency.value = current && current.indexOf(code + ".") === 0 ? current : "";
    }
    province.addEventListener("change", filter);
    if (province.value) filter();
  });
})();
