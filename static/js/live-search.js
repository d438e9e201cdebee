// Search as you type: an <input data-live-search="URL" data-live-target="ID"> fetches URL?q=… (a
// fragment rendered by the server) into the element ID. Without JavaScript the surrounding form's
// own search button does the same by a full round trip. data-live-keep names radio buttons whose
// checked value is sent along as "valgt", so a choice survives new results.
(function () {
  "use strict";
  document.querySelectorAll("[data-live-search]").forEach(function (input) {
    var target = document.getElementById(input.dataset.liveTarget);
    if (!target || !window.fetch) { return; }
    var timer = null;
    var latest = 0;
    function run() {
      var url = new URL(input.dataset.liveSearch, window.location.href);
      url.searchParams.set("q", input.value);
      var keep = input.dataset.liveKeep;
      if (keep) {
        var checked = document.querySelector('input[name="' + keep + '"]:checked');
        if (checked && checked.value) { url.searchParams.set("valgt", checked.value); }
      }
      var mine = ++latest;
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response); })
        .then(function (html) { if (mine === latest) { target.innerHTML = html; } })
        .catch(function () { /* the search button still works */ });
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); window.clearTimeout(timer); run(); }
    });
  });
})();
