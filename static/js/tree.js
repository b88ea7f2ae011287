// Rows expand by htmx on the first click; later clicks show or hide what was loaded.
(function () {
  function setOpen(toggle, open) {
    var panel = document.getElementById(toggle.getAttribute("aria-controls"));
    if (panel) { panel.hidden = !open; }
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    var verb = toggle.querySelector("[data-verb]");
    if (verb) { verb.textContent = open ? "Hide" : "Show"; }
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var toggle = event.detail.elt;
    if (!toggle.hasAttribute || !toggle.hasAttribute("data-tree-toggle") || !toggle.dataset.loaded) { return; }
    event.preventDefault();
    setOpen(toggle, toggle.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var toggle = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!toggle || !toggle.hasAttribute || !toggle.hasAttribute("data-tree-toggle")) { return; }
    toggle.dataset.loaded = "true";
    setOpen(toggle, true);
  });
})();
