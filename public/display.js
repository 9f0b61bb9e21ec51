// The waiting-room screen: one EventSource, the board redrawn on each
// "board" event. It reconnects after a network cut or a server restart
// (the server asks for a retry after 2 s; a source the browser closed is
// opened again); nothing is kept but the last board, so a day of updates
// does not grow memory.
(function () {
  "use strict";
  var root = document.getElementById("board");
  if (!root) return;
  var url = root.getAttribute("data-events");
  var status = document.getElementById("status");

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function draw(b) {
    document.getElementById("name-ar").textContent = b.facility_name_ar;
    document.getElementById("name-fr").textContent = b.facility_name_fr;
    var called = document.getElementById("called");
    var rows = [];
    b.called.forEach(function (c, i) {
      var row = el("li", i === 0 ? "call latest" : "call");
      row.setAttribute("data-ticket", c.ticket);
      row.appendChild(el("span", "ticket", c.ticket));
      var room = el("span", "room");
      room.appendChild(el("span", "ar", "\u0627\u0644\u0642\u0627\u0639\u0629 " + c.room));
      room.appendChild(el("span", "fr", "Salle " + c.room));
      row.appendChild(room);
      var spec = el("span", "service");
      spec.appendChild(el("span", "ar", c.specialty_name_ar));
      spec.appendChild(el("span", "fr", c.specialty_name_fr));
      row.appendChild(spec);
      rows.push(row);
    });
    called.replaceChildren.apply(called, rows);
    var waiting = document.getElementById("waiting");
    var queues = [];
    b.waiting.forEach(function (q) {
      var box = el("section", "queue");
      var h = el("h3");
      h.appendChild(el("span", "ar", q.specialty_name_ar));
      h.appendChild(el("span", "fr", q.specialty_name_fr));
      box.appendChild(h);
      var list = el("ol", "tickets");
      q.tickets.forEach(function (t) {
        var li = el("li", "ticket", t);
        li.setAttribute("data-ticket", t);
        list.appendChild(li);
      });
      box.appendChild(list);
      queues.push(box);
    });
    waiting.replaceChildren.apply(waiting, queues);
    // The self check-in code changes every minute.
    var qr = document.getElementById("check-in");
    if (qr.getAttribute("src") !== b.check_in_qr) qr.setAttribute("src", b.check_in_qr);
  }

  // The browser retries by itself after most failures; one it gives up on
  // (the source closed, e.g. an answer that was not the stream while the
  // server restarted) is opened again here, every 5 s until it holds.
  function connect() {
    var source = new EventSource(url);
    source.addEventListener("board", function (e) {
      draw(JSON.parse(e.data));
      root.setAttribute("data-live", "yes");
      status.hidden = true;
    });
    source.onerror = function () {
      root.setAttribute("data-live", "no");
      status.hidden = false;
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        setTimeout(connect, 5000);
      }
    };
  }
  connect();
})();
