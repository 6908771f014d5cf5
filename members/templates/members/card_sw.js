// The member card's service worker (members/portal/views/card.py serves it from /member/card/sw.js).
// The card page: from the network when there is one (and kept), from the cache when there is none.
// The page's CSS and scripts: from the cache first. Signed out (the page answers with a redirect): forgotten.
// Matches ignore Vary (Django varies on Cookie and Accept-Language, which the kept copies were not asked with).
"use strict";
var CACHE = "{{ cache_name }}";  // a constant of card.py, never user input

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(
        names.filter(function (name) { return name.indexOf("member-card-") === 0 && name !== CACHE; })
          .map(function (name) { return caches.delete(name); })
      );
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "keep" || !Array.isArray(data.urls)) {
    return;
  }
  var urls = data.urls.filter(function (url) {
    return typeof url === "string" && new URL(url, self.location.href).origin === self.location.origin;
  });
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(urls.map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected) {
            return cache.put(url, response);
          }
          return undefined;
        }).catch(function () { return undefined; });
      }));
    })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).then(function (response) {
        return caches.open(CACHE).then(function (cache) {
          if (response.ok && !response.redirected) {
            return cache.put(request, response.clone()).then(function () { return response; });
          }
          // Signed out, or the account is no longer a member's: the card must not open from the cache.
          return cache.delete(request, { ignoreSearch: true, ignoreVary: true }).then(function () { return response; });
        });
      }).catch(function () {
        return caches.match(request, { ignoreSearch: true, ignoreVary: true }).then(function (kept) {
          return kept || Response.error();
        });
      })
    );
    return;
  }
  event.respondWith(
    caches.match(request, { ignoreVary: true }).then(function (kept) {
      return kept || fetch(request);
    })
  );
});
