// Stored times are UTC on the server; each <time data-local> is shown in the reader's own time
// zone instead (the UTC text stays as the tooltip, and is what a browser without JavaScript shows).
(function () {
  "use strict";
  var format = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" };
  var times = document.querySelectorAll("time[data-local]");
  for (var i = 0; i < times.length; i += 1) {
    var element = times[i];
    var when = new Date(element.getAttribute("datetime"));
    if (isNaN(when.getTime())) { continue; }
    element.title = element.textContent;
    element.textContent = when.toLocaleString([], format);
  }
})();
