// Interview and questionnaire: answer without a full page load, announce the next question to
// screen readers (aria-live) and move focus to it. Without JavaScript the forms post normally.
(function () {
  "use strict";
  var region = document.getElementById("step-region");
  if (!region || !window.fetch || !window.DOMParser) { return; }

  function announce(doc) {
    var live = document.getElementById("step-live");
    var question = document.getElementById("question");
    if (live && question) {
      var progress = document.querySelector(".step-progress span");
      live.textContent = (progress ? progress.textContent + ": " : "") + question.textContent;
    }
    if (question) { question.focus(); }
    if (doc && doc.title) { document.title = doc.title; }
  }

  function fallback(form, submitter) {
    if (submitter && submitter.name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = submitter.name;
      input.value = submitter.value;
      form.appendChild(input);
    }
    form.submit();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-step") || !region.contains(form)) { return; }
    event.preventDefault();
    var submitter = event.submitter || null;
    var body;
    try {
      body = new FormData(form, submitter);
    } catch (error) {
      body = new FormData(form);
      if (submitter && submitter.name) { body.append(submitter.name, submitter.value); }
    }
    region.setAttribute("aria-busy", "true");
    // getAttribute: a control named "action" shadows form.action
    fetch(form.getAttribute("action"), { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("step failed"); }
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var next = doc.getElementById("step-region");
        if (!next) { throw new Error("no step in the response"); }
        region.innerHTML = next.innerHTML;
        region.removeAttribute("aria-busy");
        window.scrollTo(0, 0);
        announce(doc);
      })
      .catch(function () {
        region.removeAttribute("aria-busy");
        fallback(form, submitter);
      });
  });
})();
