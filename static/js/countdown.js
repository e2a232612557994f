// The seat-hold countdown on the order page: mm:ss left, reloading when the hold ends.
(function () {
  var el = document.querySelector(".countdown[data-seconds]");
  if (!el) return;
  var end = Date.now() + parseInt(el.getAttribute("data-seconds"), 10) * 1000;
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    el.textContent = "(" + Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0") + ")";
    if (left === 0) { window.location.reload(); return; }
    setTimeout(tick, 1000);
  }
  tick();
})();
