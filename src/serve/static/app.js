// dateline serve: small enhancements; every page works without this file.
(function () {
  "use strict";
  // "/" focuses the search box, unless the reader is typing somewhere.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var q = document.getElementById("q");
    if (!q) return;
    e.preventDefault();
    q.focus();
    q.select();
  });
  // A new sort order or page size shows at once.
  ["sort", "per-page"].forEach(function (id) {
    var select = document.getElementById(id);
    if (select && select.form) {
      select.addEventListener("change", function () {
        select.form.requestSubmit();
      });
    }
  });
  // The search's address carries only what was chosen: no empty fields, no defaults
  // (the server tidies them too, with a redirect, when this script is off).
  var DEFAULTS = { sort: "relevance", per_page: "10" };
  var search = document.getElementById("search");
  if (search) {
    search.addEventListener("submit", function (e) {
      var params = new URLSearchParams();
      new FormData(search).forEach(function (value, name) {
        var v = String(value).trim();
        if (!v || DEFAULTS[name] === v) return;
        params.append(name, v);
      });
      e.preventDefault();
      var query = params.toString();
      location.assign(search.getAttribute("action") + (query ? "?" + query : ""));
    });
  }

  // An article's citation: its link made absolute, and copied with one press.
  var citation = document.getElementById("citation");
  var copy = document.getElementById("copy-citation");
  var link = document.getElementById("citation-link");
  if (link && link.textContent.charAt(0) === "/") {
    link.textContent = location.origin + link.textContent;
  }
  if (citation && copy) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var text = citation.textContent.replace(/\s+/g, " ").trim();
      var status = document.getElementById("copy-status");
      var done = function () { if (status) status.textContent = "Copied"; };
      var fallback = function () {
        // Without the clipboard API (a page not served over https or localhost): select it.
        var range = document.createRange();
        range.selectNodeContents(citation);
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        if (document.execCommand("copy")) done();
        else if (status) status.textContent = "Selected: press Ctrl+C to copy";
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, fallback);
      } else {
        fallback();
      }
    });
  }

  // The research desk (/compare). Text from the archive and from readers only ever goes
  // into the page as textContent, never as markup.
  var desk = document.getElementById("desk");
  if (!desk) return;
  var MAX_QUERIES = 5;
  var queries = document.getElementById("queries");
  var addButton = document.getElementById("add-query");

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // "+ Add a query" adds its row in place (without JavaScript it reloads with one more).
  function addRow() {
    var i = queries.children.length;
    if (i >= MAX_QUERIES) return null;
    var li = el("li", "query-row c" + i);
    li.setAttribute("data-i", String(i));
    var sw = el("span", "swatch c" + i);
    sw.setAttribute("aria-hidden", "true");
    var q = el("input", "q");
    q.name = "q";
    q.type = "search";
    q.maxLength = 2000;
    q.autocomplete = "off";
    q.placeholder = "another query, e.g. coffee";
    q.setAttribute("aria-label", "Query " + (i + 1));
    var label = el("input", "label");
    label.name = "label";
    label.type = "text";
    label.maxLength = 100;
    label.autocomplete = "off";
    label.placeholder = "label (optional)";
    label.setAttribute("aria-label", "Label of query " + (i + 1));
    li.appendChild(sw);
    li.appendChild(q);
    li.appendChild(label);
    li.appendChild(el("span", "remove-slot"));
    queries.appendChild(li);
    if (addButton && queries.children.length >= MAX_QUERIES) addButton.hidden = true;
    return q;
  }
  if (addButton) {
    addButton.addEventListener("click", function (e) {
      var empty = null;
      queries.querySelectorAll("input.q").forEach(function (q) {
        if (!empty && !q.value.trim()) empty = q;
      });
      e.preventDefault();
      (empty || addRow() || { focus: function () {} }).focus();
    });
  }
  // Arriving from a search with a row ready for the next query: the cursor waits there.
  var rows = queries.querySelectorAll("input.q");
  if (rows.length > 1 && !rows[rows.length - 1].value) rows[rows.length - 1].focus();

  // Share or counts, switched in place; the URL (and every link of the desk) follows.
  function setScale(scale, href) {
    document.querySelectorAll("#desk-timeline rect.fill").forEach(function (r) {
      var h = r.getAttribute("data-h-" + scale);
      var y = Number(r.getAttribute("y")) + Number(r.getAttribute("height")) - Number(h);
      r.setAttribute("y", String(y));
      r.setAttribute("height", h);
      var t = r.querySelector("title");
      if (t) t.textContent = r.getAttribute("data-t-" + scale);
    });
    var fig = document.querySelector("figure.desk-timeline");
    var top = document.getElementById("y-top");
    if (fig && top) top.textContent = fig.getAttribute("data-top-" + scale);
    var note = document.getElementById("scale-note");
    if (note) note.textContent = note.getAttribute("data-" + scale);
    document.querySelectorAll(".scale-toggle a").forEach(function (a) {
      var on = a.getAttribute("data-scale") === scale;
      a.classList.toggle("on", on);
      if (on) a.setAttribute("aria-current", "true");
      else a.removeAttribute("aria-current");
    });
    var field = document.getElementById("scale-field");
    if (field) field.value = scale;
    document.querySelectorAll("a[href^='/compare']").forEach(function (a) {
      if (a.closest(".scale-toggle")) return;
      var u = new URL(a.getAttribute("href"), location.href);
      u.searchParams.set("scale", scale);
      a.setAttribute("href", u.pathname + u.search);
    });
    history.replaceState(null, "", href);
  }
  document.querySelectorAll(".scale-toggle a").forEach(function (a) {
    a.addEventListener("click", function (e) {
      e.preventDefault();
      setScale(a.getAttribute("data-scale"), a.getAttribute("href"));
    });
  });

  // A word joins its query: quoted when it is a phrase, then the desk reloads with it.
  function addWord(i, term) {
    var box = queries.querySelector("li[data-i='" + i + "'] input.q");
    if (!box) return;
    var word = /^[\w'.-]+$/.test(term) ? term : '"' + term.replace(/"/g, "") + '"';
    box.value = box.value.trim() ? box.value.trim() + " " + word : word;
    desk.submit();
  }
  function wordList(title, items, i, kind) {
    var wrap = el("div", "word-list " + kind);
    wrap.appendChild(el("h4", null, title));
    if (!items || !items.length) {
      wrap.appendChild(el("p", "empty", "None"));
      return wrap;
    }
    var ul = el("ul");
    items.forEach(function (it) {
      var li = el("li");
      var b = el("button", "word c" + i);
      b.type = "button";
      b.setAttribute("data-term", it.term);
      b.appendChild(el("span", "term", it.term));
      var n = kind === "frequent" ? it.count : it.matches;
      if (n !== undefined) b.appendChild(el("span", "n", String(n)));
      b.title = kind === "frequent"
        ? "In " + it.count + " of the matching articles; click to add it to this query"
        : "In " + it.matches + " of the matching articles and " + it.background +
          " of the archive (score " + Number(it.score).toFixed(1) + "); click to add it to this query";
      b.addEventListener("click", function () { addWord(i, it.term); });
      li.appendChild(b);
      ul.appendChild(li);
    });
    wrap.appendChild(ul);
    return wrap;
  }
  // One column at a time, each retried while the server is busy (503, as it answers when
  // its searches are all taken): five at once would crowd out the page's own searches.
  function getTerms(url, tries) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      if (r.status === 503 && tries > 1) {
        return new Promise(function (done) { setTimeout(done, 1000); }).then(function () {
          return getTerms(url, tries - 1);
        });
      }
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body && body.error ? body.error : "HTTP " + r.status);
        return body;
      });
    });
  }
  function showTerms(col, t) {
    var i = col.getAttribute("data-i");
    var box = col.querySelector(".words");
    box.replaceChildren(
      wordList("Distinctive", t.distinctive, i, "distinctive"),
      wordList("Frequent", t.frequent, i, "frequent"));
    if (t.sampled) {
      box.appendChild(el("p", "sampled", "From a random sample of " +
        Number(t.sample).toLocaleString("en") + " of the " +
        Number(t.matches).toLocaleString("en") + " matching articles."));
    }
  }
  var columns = Array.prototype.slice.call(document.querySelectorAll(".words-col[data-terms]"));
  columns.forEach(function (col) {
    col.querySelector(".words").replaceChildren(el("p", "loading", "Loading the words…"));
  });
  columns.reduce(function (previous, col) {
    return previous.then(function () {
      return getTerms(col.getAttribute("data-terms"), 5)
        .then(function (t) { showTerms(col, t); })
        .catch(function (err) {
          col.querySelector(".words").replaceChildren(
            el("p", "empty", "The words could not be loaded: " + err.message));
        });
    });
  }, Promise.resolve());
})();
