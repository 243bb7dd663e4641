// The national picture's map menu: picking a map swaps in that map's fragment
// (views.national_map) instead of reloading the page. Without JavaScript the links
// still work: they load the page with ?kaart=.
(function () {
  "use strict";
  var panel = document.getElementById("map-panel");
  var links = document.querySelectorAll("a[data-map-fragment]");
  if (!panel || !links.length || !window.fetch) return;
  var initial = document.querySelector("a[data-map-fragment][aria-current]");

  function show(link, push) {
    return fetch(link.getAttribute("data-map-fragment"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        panel.innerHTML = html;
        links.forEach(function (a) { a.removeAttribute("aria-current"); });
        link.setAttribute("aria-current", "true");
        if (push) history.pushState({ map: link.href }, "", link.href);
        var heading = document.getElementById("map-heading");
        if (heading) heading.focus();
      })
      .catch(function () { window.location.href = link.href; });
  }

  links.forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      show(link, true);
    });
  });

  window.addEventListener("popstate", function () {
    var here = new URLSearchParams(window.location.search).get("kaart");
    var found = initial;
    links.forEach(function (link) {
      if (new URL(link.href).searchParams.get("kaart") === here) found = link;
    });
    if (found) show(found, false);
  });
})();
