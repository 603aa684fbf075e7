// The query page: YASGUI (vendored in /static/yasgui/) on this server's /sparql, nothing fetched
// from elsewhere (no prefix.cc, no LOV autocompletion); the saved queries as examples. Without
// JavaScript, or if YASGUI fails, the plain form below it stays.
(function () {
  var holder = document.getElementById("yasgui");
  if (!holder || typeof Yasgui === "undefined") return;
  try {
    Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
    Yasgui.Yasqe.defaults.prefixCcApi = null;
    var endpoint = window.location.origin + "/sparql";
    var first = document.querySelector("#plain textarea").value;
    var yasgui = new Yasgui(holder, {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: true,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
      persistencyExpire: 0,
      yasqe: { value: first }
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
    document.getElementById("yasgui-tools").hidden = false;
    document.getElementById("plain").hidden = true;
    window.migkgYasgui = yasgui;
  } catch (error) {
    console.warn("YASGUI did not start; the plain form is used", error);
  }
})();
