// "My card" offline: register the card's service worker (scoped to the card's pages) and ask it to keep this
// page and the files it uses, so the card opens at the door with no network.
(function () {
  "use strict";
  var card = document.getElementById("member-card");
  if (!card || !("serviceWorker" in navigator)) {
    return;
  }
  var keep = [window.location.pathname];
  document.querySelectorAll('link[rel="stylesheet"][href], link[rel="icon"][href], script[src]').forEach(function (element) {
    keep.push(element.getAttribute("href") || element.getAttribute("src"));
  });
  navigator.serviceWorker
    .register(card.dataset.worker, { scope: card.dataset.scope })
    .then(function () {
      return navigator.serviceWorker.ready;
    })
    .then(function (registration) {
      if (registration.active) {
        registration.active.postMessage({ type: "keep", urls: keep });
      }
    })
    .catch(function () {
      // No worker (a private window, an old browser): the card still shows while online.
    });
})();
