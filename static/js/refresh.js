// Reload a page that waits for the host (data-refresh="seconds"), unless someone is typing in a form.
(function () {
  var holder = document.querySelector("[data-refresh]");
  var seconds = holder ? parseInt(holder.getAttribute("data-refresh"), 10) : 0;
  if (!seconds) { return; }
  var touched = false;
  document.addEventListener("input", function () { touched = true; });
  setInterval(function () {
    var active = document.activeElement;
    var typing = active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
    if (!touched && !typing && document.visibilityState === "visible") { window.location.reload(); }
  }, seconds * 1000);
})();
