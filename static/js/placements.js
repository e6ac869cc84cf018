// Progressive enhancement for importing: progress for long files. Without JavaScript the forms
// post normally and the next page shows the result.
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

const LARGE = 200 * 1024; // smaller files upload in a moment: a plain post is enough

// Upload and check: a progress bar while the file uploads, then a note while every row is checked.
function enhanceUpload() {
  const upload = document.querySelector("form[data-upload-progress]");
  if (!upload || !window.XMLHttpRequest || !window.FormData) return;
  upload.addEventListener("submit", (event) => {
    const file = upload.querySelector("input[type=file]");
    if (!file || !file.files.length || file.files[0].size < LARGE) return;
    event.preventDefault();
    const box = upload.querySelector(".portal-upload-progress");
    const bar = box.querySelector("progress");
    const text = box.querySelector(".portal-upload-progress__text");
    box.hidden = false;
    upload.querySelector("button[type=submit]").disabled = true;
    const request = new XMLHttpRequest();
    request.open("POST", upload.action || window.location.href);
    request.upload.addEventListener("progress", (e) => {
      if (!e.lengthComputable) return;
      const pct = Math.round((100 * e.loaded) / e.total);
      bar.value = pct;
      text.textContent =
        pct < 100 ? `Uploaded ${pct}%` : "Uploaded. Checking every row: a long file takes a few seconds.";
      if (pct === 100) bar.removeAttribute("value"); // indeterminate while the server checks
    });
    request.addEventListener("load", () => {
      if (request.responseURL && request.responseURL !== window.location.href) {
        // Redirected to the check's result.
        window.location.assign(request.responseURL);
        return;
      }
      // The form came back with a message about the file: show that page in place.
      const page = new DOMParser().parseFromString(request.responseText, "text/html");
      document.title = page.title;
      document.body.replaceWith(page.body);
      document.body.classList.add("js-enabled", "govuk-frontend-supported");
      initAll();
      enhanceUpload();
    });
    request.addEventListener("error", () => upload.submit());
    request.send(new FormData(upload));
  });
}
enhanceUpload();

// Import: a long file takes a while to write; say so rather than leave a silent button.
const confirm = document.querySelector("form[data-import-progress]");
if (confirm) {
  confirm.addEventListener("submit", () => {
    const box = confirm.querySelector(".portal-upload-progress");
    if (box) box.hidden = false;
  });
}
