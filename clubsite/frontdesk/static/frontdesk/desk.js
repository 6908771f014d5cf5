// The front desk's box: as a name is typed, suggest the members it matches (the desk's search endpoint), and
// check the one picked in at once. A scanner or a typed member number never waits for suggestions: Enter sends
// the box as it is. Keyboard: Down/Up move through the list, Enter picks, Escape closes.
(function () {
  "use strict";
  var box = document.getElementById("id_query");
  var list = document.getElementById("desk-suggestions");
  var picked = document.getElementById("desk-member");
  var form = document.getElementById("desk-form");
  if (!box || !list || !picked || !form) {
    return;
  }
  var DELAY_MS = 200;
  var MIN_LENGTH = 2;
  var timer = null;
  var latest = 0;
  var active = -1;

  function options() {
    return list.querySelectorAll("[role=option]");
  }

  function close() {
    list.hidden = true;
    list.replaceChildren();
    active = -1;
    box.setAttribute("aria-expanded", "false");
    box.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    var all = options();
    if (!all.length) {
      return;
    }
    active = (index + all.length) % all.length;
    all.forEach(function (option, position) {
      option.setAttribute("aria-selected", position === active ? "true" : "false");
    });
    box.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  }

  function pick(option) {
    picked.value = option.dataset.member;
    box.value = option.dataset.name;
    close();
    form.submit();
  }

  function show(members) {
    list.replaceChildren();
    active = -1;
    members.forEach(function (member) {
      var option = document.createElement("li");
      option.id = "desk-suggestion-" + member.id;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.member = member.id;
      option.dataset.name = member.name;
      option.textContent = member.name;
      var detail = document.createElement("small");
      detail.textContent = "No. " + member.number + " · " + member.email;
      option.appendChild(detail);
      option.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep the focus in the box
        pick(option);
      });
      list.appendChild(option);
    });
    list.hidden = members.length === 0;
    box.setAttribute("aria-expanded", members.length ? "true" : "false");
  }

  function lookUp(term) {
    var ticket = ++latest;
    fetch(box.dataset.search + "?q=" + encodeURIComponent(term), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : [];
      })
      .then(function (members) {
        // An older answer arriving after a newer one must not replace it.
        if (ticket === latest && box.value.trim() === term) {
          show(members);
        }
      })
      .catch(close);
  }

  box.addEventListener("input", function () {
    picked.value = "";
    window.clearTimeout(timer);
    var term = box.value.trim();
    // Digits are a member number; a long word with no space is a card code: both go straight in with Enter.
    if (term.length < MIN_LENGTH || /^\d+$/.test(term)) {
      close();
      return;
    }
    timer = window.setTimeout(function () {
      lookUp(term);
    }, DELAY_MS);
  });

  box.addEventListener("keydown", function (event) {
    var open = !list.hidden && options().length > 0;
    if (event.key === "ArrowDown" && open) {
      event.preventDefault();
      highlight(active + 1);
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      highlight(active - 1);
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      pick(options()[active]);
    } else if (event.key === "Escape") {
      close();
    } else if (event.key === "Enter") {
      window.clearTimeout(timer);
      latest++; // a lookup still on its way must not open a list over the answer
    }
  });

  box.addEventListener("blur", function () {
    window.setTimeout(close, 150);
  });
})();
