// The query page: YASGUI (vendored in /static/yasgui/) on this server's /sparql, nothing fetched
// from elsewhere (no prefix.cc, no LOV autocompletion); the saved queries as examples. Without
// JavaScript, or if YASGUI fails, the plain form below it stays.
// The page gives (#yasgui-config) the graph's prefixes, which YASQE completes after PREFIX (and adds
// when a prefixed name is typed) and YASR uses to shorten IRIs, and the namespaces that have pages
// on this server: YASR's table links an IRI to itself, so its links to the graph's IRIs are
// rewritten to this server's pages (/id/X, /ontology/T) as the table draws them (YASR 4.6 has no
// hook for a cell's link).
(function () {
  var holder = document.getElementById("yasgui");
  if (!holder || typeof Yasgui === "undefined") return;
  try {
    var config = JSON.parse(document.getElementById("yasgui-config").textContent);
    var prefixes = config.prefixes;
    var completions = Object.keys(prefixes).sort().map(function (p) { return p + ": <" + prefixes[p] + ">"; });
    // the bundled "prefixes" completer with the graph's list instead of prefix.cc or its own list
    Yasgui.Yasqe.forkAutocompleter("prefixes", { name: "migkgPrefixes", get: completions,
                                                  persistenceId: "migkgPrefixes" }, false);
    Yasgui.Yasqe.defaults.autocompleters = ["migkgPrefixes", "variables"];
    Yasgui.Yasqe.defaults.prefixCcApi = null;
    var endpoint = window.location.origin + "/sparql";
    var first = document.querySelector("#plain textarea").value;
    var yasgui = new Yasgui(holder, {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: true,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
      persistencyExpire: 0,
      yasqe: { value: first },
      yasr: { prefixes: prefixes }
    });
    var examples = JSON.parse(document.getElementById("examples-data").textContent);
    var select = document.getElementById("example-select");
    select.addEventListener("change", function () {
      if (select.value && examples[select.value]) {
        var tab = yasgui.getTab();
        tab.setQuery(examples[select.value]);
        tab.setEndpoint(endpoint);
      }
    });
    var tab = yasgui.getTab();
    tab.setEndpoint(endpoint);
    tab.setQuery(first);
    localLinks(holder, config);
    document.getElementById("yasgui-tools").hidden = false;
    document.getElementById("plain").hidden = true;
    window.migkgYasgui = yasgui;
  } catch (error) {
    console.warn("YASGUI did not start; the plain form is used", error);
  }

  // this server's path for an IRI of the graph, else null (as local_path in serve/graphview.py)
  function localPath(iri, config) {
    if (iri === config.ontology[0]) return config.ontology[1];
    for (var base in config.local) {
      if (iri.indexOf(base) === 0 && iri.length > base.length) return config.local[base] + iri.slice(base.length);
    }
    return null;
  }

  // rewrite the results' links to the graph's IRIs, now and whenever YASR draws (a query, a page
  // of the table, a sort)
  function localLinks(root, config) {
    function rewrite() {
      var links = root.querySelectorAll(".yasr a[href]");
      for (var i = 0; i < links.length; i++) {
        var a = links[i];
        var iri = a.getAttribute("href");
        var path = localPath(iri, config);
        if (path === null) continue;
        a.setAttribute("href", path);
        a.setAttribute("title", iri);
        a.removeAttribute("target");
        a.removeAttribute("ref");
        a.removeAttribute("rel");
      }
    }
    rewrite();
    new MutationObserver(rewrite).observe(root, { childList: true, subtree: true });
  }
})();
