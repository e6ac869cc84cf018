// Progressive enhancement for memoranda pages; every page works without it.
// Warn before leaving a form with unsaved changes (a long section is easy to lose).
const forms = document.querySelectorAll("form[data-moc-unsaved]");
let dirty = false;
forms.forEach((form) => {
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("submit", () => { dirty = false; });
});
if (forms.length) {
  window.addEventListener("beforeunload", (event) => {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
}
