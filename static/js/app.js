// Starts GOV.UK Frontend on the page and on whatever htmx swaps in. A file, not an inline script:
// the Content-Security-Policy allows only our own scripts.
import { initAll } from "./govuk-frontend.min.js";

initAll();
// Content htmx swaps in gets the same behaviour (error summaries, radios, navigation...).
// Searching from the parent reaches a swapped element that is itself a component; ones
// already started there are skipped quietly.
document.addEventListener("htmx:load", function (event) {
  if (event.target === document.body) { return; }
  initAll({ scope: event.target.parentElement || event.target, onError: function () {} });
});
