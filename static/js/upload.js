/* Scan upload with a progress bar per file: files go one at a time, so a bad or huge file
   fails alone and the rest still import. Without JavaScript the form posts all files. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-upload]");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var results = document.querySelector(".upload-results");
  var tbody = results.querySelector("tbody");
  var summary = results.querySelector(".upload-summary");
  var input = form.querySelector("input[type=file]");
  var access = form.querySelector("select[name=access]");
  var token = form.querySelector("input[name=csrf_token]");

  function row(name) {
    var tr = document.createElement("tr");
    var file = document.createElement("td"); file.textContent = name;
    var bar = document.createElement("td");
    var progress = document.createElement("progress"); progress.max = 100; progress.value = 0;
    progress.setAttribute("aria-label", name);
    bar.appendChild(progress);
    var result = document.createElement("td"); result.textContent = form.dataset.msgWaiting;
    tr.append(file, bar, result);
    tbody.appendChild(tr);
    return { tr: tr, progress: progress, result: result };
  }

  function send(file, view) {
    return new Promise(function (resolve) {
      var data = new FormData();
      if (token) data.append("csrf_token", token.value);
      data.append("access", access.value);
      data.append(input.name, file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) view.progress.value = Math.round(100 * e.loaded / e.total);
      };
      xhr.onload = function () {
        var outcome = null;
        try { outcome = JSON.parse(xhr.responseText).files[0]; } catch (err) { outcome = null; }
        if (xhr.status === 200 && outcome) {
          view.progress.value = 100;
          view.result.textContent = outcome.status_label + (outcome.reason ? ": " + outcome.reason : "");
          view.tr.className = "result-" + outcome.status;
          resolve(outcome.status);
        } else {
          view.result.textContent = xhr.status === 413 ? form.dataset.msgTooLarge : form.dataset.msgFailed;
          view.tr.className = "result-rejected";
          resolve("rejected");
        }
      };
      xhr.onerror = function () {
        view.result.textContent = form.dataset.msgFailed;
        view.tr.className = "result-rejected";
        resolve("rejected");
      };
      xhr.send(data);
    });
  }

  form.addEventListener("submit", async function (event) {
    if (!input.files.length) return; // let the server say what is missing
    event.preventDefault();
    var files = Array.prototype.slice.call(input.files);
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    tbody.textContent = ""; summary.textContent = "";
    results.hidden = false;
    var views = files.map(function (f) { return row(f.name); });
    var counts = { imported: 0, skipped: 0, rejected: 0 };
    for (var i = 0; i < files.length; i++) {
      counts[await send(files[i], views[i])] += 1;
    }
    summary.textContent = form.dataset.msgDone.replace("%(ok)s", counts.imported)
      .replace("%(skip)s", counts.skipped).replace("%(bad)s", counts.rejected);
    button.disabled = false;
    input.value = "";
  });
})();
