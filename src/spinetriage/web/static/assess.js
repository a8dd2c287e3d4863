// Assessment form: show how many findings each section has recorded (progressive enhancement only).
(function () {
  "use strict";
  var form = document.getElementById("assess-form");
  if (!form) { return; }

  function update() {
    var totalPresent = 0;
    var totalAbsent = 0;
    form.querySelectorAll("[data-section]").forEach(function (section) {
      var present = section.querySelectorAll('input[value="present"]:checked').length;
      var absent = section.querySelectorAll('input[value="absent"]:checked').length;
      totalPresent += present;
      totalAbsent += absent;
      var counter = document.querySelector('[data-count-for="' + section.getAttribute("data-section") + '"]');
      if (counter) {
        counter.textContent = present || absent ? present + " present · " + absent + " absent" : "";
      }
    });
    var status = document.getElementById("form-status");
    if (status) {
      status.textContent = totalPresent + " present, " + totalAbsent + " absent; everything else stays \u201cnot examined\u201d.";
    }
  }

  form.addEventListener("change", update);
  update();
})();
