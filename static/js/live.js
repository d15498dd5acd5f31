/* Live screens: one EventSource per page, the server's snapshot applied with textContent only.
   The stream sends a full "snapshot" first (and again after a reconnect or a structural change), then
   small "delta" events with only the fields that changed, merged into the snapshot kept here.
   Elements say what they show with data-live="..."; without JavaScript the page refreshes itself. */
(function () {
  "use strict";
  if (window.buurtstemLive) { return; }
  window.buurtstemLive = true;

  function each(root, selector, fn) {
    Array.prototype.forEach.call(root.querySelectorAll(selector), fn);
  }

  function setText(root, name, value) {
    each(root, '[data-live="' + name + '"]', function (el) { el.textContent = String(value); });
  }

  function clock(seconds) {
    var whole = Math.max(0, Math.floor(seconds));
    var m = Math.floor(whole / 60), s = whole % 60;
    return (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }

  function connect(root) {
    var url = root.getAttribute("data-live-stream");
    var resultsKey = root.getAttribute("data-results-key");
    var offset = 0, timer = null, state = null;

    function tick() {
      each(document, '[data-live="timer"]', function (el) {
        if (!timer) { el.textContent = ""; return; }
        var elapsed = timer.elapsed;
        if (timer.running) { elapsed += (Date.now() - offset - timer.at) / 1000; }
        var left = timer.slot - elapsed;
        el.classList.toggle("over", left < 0);
        el.textContent = left >= 0 ? clock(left) : "+" + clock(-left) + " " + (el.getAttribute("data-over-text") || "");
      });
    }

    function questions(list) {
      each(root, '[data-live="questions"]', function (ol) {
        var votesText = ol.getAttribute("data-votes-text") || "";
        while (ol.firstChild) { ol.removeChild(ol.firstChild); }
        list.forEach(function (q) {
          var li = document.createElement("li");
          var text = document.createElement("span");
          text.className = "q-text";
          text.textContent = q.text;
          var votes = document.createElement("span");
          votes.className = "q-votes";
          votes.textContent = q.votes + " " + votesText;
          li.appendChild(text);
          li.appendChild(document.createTextNode(" "));
          li.appendChild(votes);
          ol.appendChild(li);
        });
      });
    }

    function pending(list) {
      var template = document.getElementById("pending-template");
      each(root, '[data-live="pending"]', function (ul) {
        var shown = Array.prototype.map.call(ul.children, function (li) { return li.getAttribute("data-question"); });
        var wanted = list.map(function (q) { return q.id; });
        if (shown.join(" ") === wanted.join(" ") || !template) { return; }
        while (ul.firstChild) { ul.removeChild(ul.firstChild); }
        list.forEach(function (q) {
          var li = template.content.firstElementChild.cloneNode(true);
          li.setAttribute("data-question", q.id);
          li.querySelector(".q-text").textContent = q.text;
          var to = li.querySelector("[data-to-text]");
          to.textContent = to.getAttribute("data-to-text").replace("@@NAME@@", q.bidder);
          each(li, "form[data-action]", function (form) {
            form.setAttribute("action", form.getAttribute("data-action").replace("@@ID@@", encodeURIComponent(q.id)));
          });
          ul.appendChild(li);
        });
      });
      each(root, '[data-live-show="no-pending"]', function (el) { el.hidden = list.length > 0; });
    }

    function apply(s) {
      if (resultsKey !== null && (s.results_key || "") !== resultsKey) {
        window.location.reload();
        return;
      }
      var b = s.bidder;
      each(root, '[data-live-show="bidder"]', function (el) { el.hidden = !b; });
      each(root, '[data-live-show="waiting"]', function (el) { el.hidden = !!b; });
      setText(root, "tickets", s.tickets_in_use);
      setText(root, "cards", s.cards);
      setText(root, "bidder", b ? b.name : "–");
      if (b) {
        setText(root, "position", b.position);
        setText(root, "of", b.of);
      }
      timer = b ? b.timer : null;
      ["applause", "heart", "thinking"].forEach(function (kind) {
        setText(root, "reaction-" + kind, s.reactions ? s.reactions[kind] : 0);
      });
      questions(s.questions || []);
      if (s.pending) { pending(s.pending); }
      root.setAttribute("data-live-version", String(s.version));
      root.setAttribute("data-live-pid", String(s.pid));
      tick();
    }

    var source = new EventSource(url);
    source.addEventListener("open", function () {
      root.setAttribute("data-live-open", "1");
      each(document, '[data-live="connection"]', function (el) { el.classList.add("on"); });
    });
    source.addEventListener("error", function () {
      root.setAttribute("data-live-open", "0");
      each(document, '[data-live="connection"]', function (el) { el.classList.remove("on"); });
    });
    source.addEventListener("snapshot", function (event) {
      var message = JSON.parse(event.data);
      offset = Date.now() - message.now;
      state = message.snapshot;
      apply(state);
    });
    source.addEventListener("delta", function (event) {
      var message = JSON.parse(event.data);
      if (!state) { return; }  // cannot happen: a stream always starts with a snapshot
      offset = Date.now() - message.now;
      Object.keys(message.delta).forEach(function (key) { state[key] = message.delta[key]; });
      apply(state);
    });
    window.setInterval(tick, 250);
  }

  function enhanceForms() {
    each(document, "form[data-live-fetch]", function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.fetch || !window.FormData) { return; }
        event.preventDefault();
        var data = new FormData(form);
        if (event.submitter && event.submitter.name) { data.append(event.submitter.name, event.submitter.value); }
        var status = form.querySelector(".fetch-status");
        fetch(form.action, { method: "POST", body: data, credentials: "same-origin", headers: { "X-Live-Fetch": "1" } })
          .then(function (response) { return response.json(); })
          .then(function (answer) { if (status) { status.textContent = answer.message || ""; } })
          .catch(function () { form.submit(); });
      });
    });
  }

  each(document, "[data-live-stream]", connect);
  enhanceForms();
}());
