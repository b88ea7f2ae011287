// The officers' update form: choosing Completed or Not started sets the percent it counts as, and
// says so next to the field. Without JavaScript the server asks instead (a typed percent the status
// would override is an error, never silently replaced). No inline script: this file is served
// from static, so a Content-Security-Policy needs no 'unsafe-inline'. The form may arrive by htmx,
// so one listener on the document serves every copy of it.
(function () {
  "use strict";

  var FORCED = {
    completed: { percent: "100", words: "Completed counts as 100% complete, so the percent has been set to 100." },
    not_started: { percent: "0", words: "Not started counts as 0% complete, so the percent has been set to 0." }
  };

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select || select.name !== "status") { return; }
    var group = select.closest("[data-status-percent]");
    if (!group) { return; }
    var percent = group.querySelector("input[name='percent']");
    var note = group.querySelector("[data-status-percent-note]");
    var forced = FORCED[select.value];
    if (!percent || !note) { return; }
    if (forced) {
      percent.value = forced.percent;
      note.textContent = forced.words;
      note.hidden = false;
    } else {
      note.textContent = "";
      note.hidden = true;
    }
  });
})();
