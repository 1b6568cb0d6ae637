/* Coalition's sign-on widget. Two ways to use it:

   1. On a partner's page:
        <script src="https://OUR-HOST/static/embed/coalition-embed.js" data-letter="SLUG" data-lang="fr" async></script>
      builds a small box right after the script tag (in a shadow root, so neither page's CSS leaks into the other):
      the letter's title in that language (data-lang, else the page's <html lang>, else the browser's), the
      counts, and a Sign button opening the letter's form in a new tab. Works on any site: it is not a frame.
   2. In our own /<lang>/letters/SLUG/embed/ page (an <iframe> on sites in the letter's allow-list): the markup is
      there already; this only keeps the counts live.

   Both poll the public count API every data-refresh seconds (30 by default, only while the page is visible).
   Requests go to our host only, without credentials: the widget never sets or sends a cookie. Text goes in with
   textContent, never as HTML. */
(function () {
  "use strict";

  var INTERFACE_LANGUAGES = ["en", "fr", "es", "ar", "zh-hans", "ru"];
  var DEFAULT_REFRESH = 30;
  var MIN_REFRESH = 2;

  function refreshSeconds(value) {
    var seconds = parseInt(value, 10);
    return isNaN(seconds) ? DEFAULT_REFRESH : Math.max(MIN_REFRESH, seconds);
  }

  function getJSON(url) {
    // credentials "omit": no cookie goes out or comes back; "no-cache": the poll interval is the partner's choice,
    // not the API's short public max-age.
    return fetch(url, { credentials: "omit", cache: "no-cache" }).then(function (response) {
      return response.ok ? response.json() : null;
    });
  }

  function showCounts(root, data) {
    root.querySelectorAll("[data-count]").forEach(function (element) {
      var value = data[element.getAttribute("data-count")];
      if (typeof value === "number") element.textContent = String(value);
    });
    var individuals = root.querySelector("[data-count-row=individuals]");
    if (individuals && data.individuals > 0) individuals.hidden = false;
    if (typeof data.is_open === "boolean") {
      root.querySelector("[data-when-open]").hidden = !data.is_open;
      root.querySelector("[data-when-closed]").hidden = data.is_open;
    }
  }

  function keepCountsLive(root, countUrl, seconds) {
    function poll() {
      if (document.hidden) return; // a tab nobody looks at costs the server nothing
      getJSON(countUrl).then(function (data) { if (data) showCounts(root, data); }).catch(function () {});
    }
    window.setInterval(poll, seconds * 1000);
    document.addEventListener("visibilitychange", poll);
  }

  // --- 1. the script widget on a partner's page --------------------------------------------------------------

  function languages(script) {
    var wanted = (script.getAttribute("data-lang") || document.documentElement.lang || navigator.language || "en")
      .toLowerCase();
    var primary = wanted.split(/[-_]/)[0];
    var ui = primary === "zh" ? "zh-hans" : primary;
    // The interface (labels) in one of ours, else English; the letter's version asked for in any language.
    return { ui: INTERFACE_LANGUAGES.indexOf(ui) >= 0 ? ui : "en", version: primary };
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function link(className, href, label, newTab) {
    var anchor = element("a", { class: className, href: href, target: "_blank", rel: "noopener" }, label);
    anchor.appendChild(element("span", { class: "ce-hidden" }, " " + newTab));
    return anchor;
  }

  function countRow(name, label, value, hidden) {
    var row = element("div", { class: "ce-count", "data-count-row": name });
    row.appendChild(element("dt", {}, label));
    row.appendChild(element("dd", { "data-count": name }, String(value)));
    row.hidden = hidden;
    return row;
  }

  function box(data, origin) {
    var labels = data.labels;
    var section = element("section", { class: "coalition-embed", lang: data.interface_lang, dir: data.interface_dir,
                                       "aria-label": data.title });
    section.appendChild(element("h2", { class: "ce-title", lang: data.lang, dir: data.dir }, data.title));
    var counts = element("dl", { class: "ce-counts", "aria-live": "polite" });
    counts.appendChild(countRow("organisations", labels.organisations, data.organisations, false));
    counts.appendChild(countRow("individuals", labels.individuals, data.individuals, !data.show_individuals));
    section.appendChild(counts);
    var open = element("div", { class: "ce-open", "data-when-open": "" });
    if (data.deadline) open.appendChild(element("p", { class: "ce-deadline" }, labels.sign_by + " " + data.deadline));
    open.appendChild(link("ce-sign", new URL(data.letter_url, origin).href, labels.sign, labels.new_tab));
    var closed = element("div", { class: "ce-closed", "data-when-closed": "" });
    closed.appendChild(element("p", {}, labels.closed));
    closed.appendChild(link("ce-read", new URL(data.read_url, origin).href, labels.read, labels.new_tab));
    open.hidden = !data.is_open;
    closed.hidden = data.is_open;
    section.appendChild(open);
    section.appendChild(closed);
    return section;
  }

  function mount(script) {
    script.setAttribute("data-coalition-ready", "");
    var source = new URL(script.src, document.baseURI);
    var slug = encodeURIComponent(script.getAttribute("data-letter") || "");
    var lang = languages(script);
    var url = new URL("/" + lang.ui + "/letters/" + slug + "/embed.json?version=" + encodeURIComponent(lang.version), source.origin);
    getJSON(url.href).then(function (data) {
      if (!data) return; // not a public letter (a typo, a draft, a confidential one): show nothing
      var host = element("div", { class: "coalition-embed-host" });
      var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
      root.appendChild(element("link", { rel: "stylesheet", href: new URL("coalition-embed.css", source).href }));
      var section = box(data, source.origin);
      root.appendChild(section);
      script.parentNode.insertBefore(host, script.nextSibling);
      keepCountsLive(section, new URL(data.count_url, source.origin).href,
                     refreshSeconds(script.getAttribute("data-refresh")));
    }).catch(function () {});
  }

  // --- 2. our own iframe page ----------------------------------------------------------------------------------

  document.querySelectorAll(".ce-frame .coalition-embed[data-count-url]").forEach(function (section) {
    keepCountsLive(section, section.getAttribute("data-count-url"),
                   refreshSeconds(section.getAttribute("data-refresh")));
  });

  // Every widget script on the page not built yet (a partner may show several letters; each tag runs this file).
  document.querySelectorAll("script[data-letter][src*='coalition-embed']:not([data-coalition-ready])").forEach(mount);
})();
