/* Scan upload with a progress bar per file: files go one at a time, so a bad or huge file
   fails alone and the rest still import. Each file names its item (件) by the grouping
   chosen; before uploading, the server's preview (names only) shows the items and their
   pages and what looks wrong. Without JavaScript the form posts all files. */
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
  var grouping = form.querySelector("select[name=grouping]");
  var pattern = form.querySelector("input[name=pattern]");
  var preview = document.querySelector(".upload-preview");

  function grouped(data) {
    if (grouping) data.append("grouping", grouping.value);
    if (pattern) data.append("pattern", pattern.value);
  }

  function showPreview() {
    if (!preview) return;
    var files = Array.prototype.slice.call(input.files);
    var list = preview.querySelector(".upload-preview-items");
    var notes = preview.querySelector(".upload-preview-notes");
    var summary = preview.querySelector(".upload-preview-summary");
    list.textContent = ""; notes.textContent = ""; summary.textContent = "";
    if (!files.length) { preview.hidden = true; return; }
    var data = new FormData();
    if (token) data.append("csrf_token", token.value);
    data.append("access", access.value);
    grouped(data);
    files.forEach(function (f) { data.append("names", f.name); });
    fetch(preview.dataset.url, { method: "POST", body: data, credentials: "same-origin",
                                 headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        preview.hidden = false;
        if (body.error) {
          var li = document.createElement("li"); li.className = "flash error";
          li.textContent = body.error.message; notes.appendChild(li);
          return;
        }
        summary.textContent = summary.dataset.msg.replace("%(items)s", body.items.length)
          .replace("%(files)s", files.length);
        body.notes.forEach(function (note) {
          var li = document.createElement("li"); li.className = "flash warning";
          li.textContent = note; notes.appendChild(li);
        });
        body.items.forEach(function (item) {
          var li = document.createElement("li");
          var name = document.createElement("strong"); name.textContent = item.reference;
          var count = document.createElement("span");
          count.textContent = " · " + preview.dataset.msgPages.replace("%(n)s", item.pages.length);
          var pages = document.createElement("ol"); pages.className = "upload-preview-pages";
          item.pages.forEach(function (page) {
            var p = document.createElement("li"); p.textContent = page; pages.appendChild(p);
          });
          li.append(name, count, pages);
          list.appendChild(li);
        });
      })
      .catch(function () { preview.hidden = true; });
  }
  input.addEventListener("change", showPreview);
  if (grouping) grouping.addEventListener("change", showPreview);
  if (pattern) pattern.addEventListener("change", showPreview);

  function row(name) {
    var tr = document.createElement("tr");
    var file = document.createElement("td"); file.textContent = name;
    var item = document.createElement("td");
    var bar = document.createElement("td");
    var progress = document.createElement("progress"); progress.max = 100; progress.value = 0;
    progress.setAttribute("aria-label", name);
    bar.appendChild(progress);
    var result = document.createElement("td"); result.textContent = form.dataset.msgWaiting;
    tr.append(file, item, bar, result);
    tbody.appendChild(tr);
    return { tr: tr, progress: progress, result: result, item: item };
  }

  function send(file, view) {
    return new Promise(function (resolve) {
      var data = new FormData();
      if (token) data.append("csrf_token", token.value);
      data.append("access", access.value);
      grouped(data);
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
          view.item.textContent = outcome.item || "";
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
