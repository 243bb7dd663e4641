// The builder's as-you-type check of a show-if expression: asks the server's parser
// (the same one that checks on save) and says what is wrong, naming unknown questions.
(function () {
  "use strict";
  var form = document.querySelector("form[data-builder]");
  if (!form) return;
  var input = form.querySelector("[data-check-show-if]");
  var out = document.getElementById("b-show-if-check");
  var key = form.querySelector("[name=original]").value;
  var timer = null;
  function check() {
    var url = form.getAttribute("data-check-url") + "?vraag=" + encodeURIComponent(key) +
      "&expr=" + encodeURIComponent(input.value);
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        out.textContent = data.message;
        out.className = data.ok ? "helptext" : "errorlist";
        input.setAttribute("aria-invalid", data.ok ? "false" : "true");
      })
      .catch(function () { out.textContent = ""; });
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 250);
  });
})();
