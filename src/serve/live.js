// huiwen serve: live reload and the error overlay. Inserted into pages only
// by `huiwen serve`, never into `huiwen build` output.
(function () {
  "use strict";
  var script = document.currentScript;
  var file = (script && script.getAttribute("data-file")) || "";
  var here = decodeURIComponent(location.pathname).replace(/^\//, "");
  if (here === "" || here.charAt(here.length - 1) === "/") here += "index.html";
  var overlay = null;

  function hideOverlay() {
    if (overlay && overlay.parentNode) overlay.parentNode.removeChild(overlay);
    overlay = null;
  }

  function showOverlay(errors) {
    hideOverlay();
    overlay = document.createElement("div");
    overlay.className = "error-overlay";
    overlay.setAttribute("role", "alert");
    var h = document.createElement("strong");
    h.textContent = "构建失败：修改后自动重试，下面显示的是上一次成功的版本（" + errors.length + " 个错误）";
    overlay.appendChild(h);
    var pre = document.createElement("pre");
    pre.textContent = errors.map(function (e) { return e.text; }).join("\n");
    overlay.appendChild(pre);
    document.body.appendChild(overlay);
    if (getComputedStyle(overlay).position !== "fixed") {
      overlay.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:9999;max-height:60vh;" +
        "overflow:auto;padding:1rem;color:#fff;background:#a4161a;";
      pre.style.cssText = "white-space:pre-wrap;";
    }
  }

  function affected(changed) {
    for (var i = 0; i < changed.length; i++) {
      var c = changed[i];
      if (c === file || c === here) return true;
      // The search index matters to the search page only.
      if (/^search\//.test(c)) {
        if (/^search\//.test(here)) return true;
      } else if (!/\.html$/.test(c)) {
        return true;
      }
    }
    return false;
  }

  if (!window.EventSource) return;
  var es = new EventSource("/__huiwen/events");
  es.onopen = function () {
    document.documentElement.setAttribute("data-huiwen-live", "open");
  };
  es.addEventListener("reload", function (ev) {
    var data = JSON.parse(ev.data);
    hideOverlay();
    if (affected(data.changed || [])) {
      es.close();
      location.reload();
    }
  });
  es.addEventListener("errors", function (ev) {
    showOverlay(JSON.parse(ev.data).errors || []);
  });
  es.addEventListener("ok", hideOverlay);
})();
