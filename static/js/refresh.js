// Reload a page that waits for the host (data-refresh="seconds"), unless someone is using the page: typing
// in a form, focused on a control (a keyboard or screen-reader user would lose their place), or sending a
// form or following a link (the reload would cut across their request).
(function () {
  var holder = document.querySelector("[data-refresh]");
  var seconds = holder ? parseInt(holder.getAttribute("data-refresh"), 10) : 0;
  if (!seconds) { return; }
  var touched = false;
  function touch() { touched = true; }
  document.addEventListener("input", touch);
  document.addEventListener("submit", touch);
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("a[href]")) { touch(); }
  });
  setInterval(function () {
    var active = document.activeElement;
    var using = active && active !== document.body && active !== document.documentElement;
    if (!touched && !using && document.visibilityState === "visible") { window.location.reload(); }
  }, seconds * 1000);
})();
