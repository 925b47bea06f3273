// Progressive enhancement of the hash look-up: compute a chosen file's SHA-256 in the
// browser (SubtleCrypto) and put it in the hash field. Only the hash is ever sent; the
// picker has no name, so the file is never part of the form. Without JavaScript, or
// outside a secure context (no crypto.subtle), the picker stays hidden and pasting works.
(function () {
  "use strict";
  var form = document.getElementById("hash-lookup");
  if (!form || !window.crypto || !window.crypto.subtle || !window.FileReader) {
    return;
  }
  var picker = form.querySelector(".hash-picker");
  var input = document.getElementById("hash-file");
  var field = form.querySelector("input[name=hash]");
  if (!picker || !input || !field) {
    return;
  }
  picker.hidden = false;
  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    if (!file) {
      return;
    }
    file.arrayBuffer().then(function (buffer) {
      return window.crypto.subtle.digest("SHA-256", buffer);
    }).then(function (digest) {
      field.value = Array.from(new Uint8Array(digest), function (byte) {
        return byte.toString(16).padStart(2, "0");
      }).join("");
    });
  });
})();
