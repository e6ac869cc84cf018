// Progressive enhancement for the criterion page. Without JavaScript every field stays visible
// and the server checks everything; this only hides fields that do not apply to the choice made.

function toggle(element, show) {
  if (element) element.classList.toggle("hc-js-hidden", !show);
}

// The override reason is only needed when the chosen rating differs from the suggested one.
function enhanceRatingForm(form) {
  const suggested = form.dataset.suggested;
  const reason = form.querySelector("#div_id_override_reason");
  if (!suggested || !reason) return;
  const update = () => {
    const chosen = form.querySelector("input[name='rating']:checked");
    const textarea = reason.querySelector("textarea");
    const differs = chosen && chosen.value !== suggested;
    toggle(reason, differs || (textarea && textarea.value.trim() !== ""));
  };
  form.addEventListener("change", update);
  update();
}

// Evidence: show the note, link or file field that matches the kind chosen.
function enhanceEvidenceForm() {
  const fields = { note: "div_evidence-note", link: "div_evidence-url", file: "div_evidence-upload" };
  const radios = document.querySelectorAll("input[name='kind']");
  if (!radios.length) return;
  const update = () => {
    const chosen = document.querySelector("input[name='kind']:checked");
    for (const [kind, id] of Object.entries(fields)) {
      toggle(document.getElementById(id), !chosen || chosen.value === kind);
    }
  };
  radios.forEach((radio) => radio.addEventListener("change", update));
  update();
}

document.querySelectorAll("form.hc-rating-form").forEach(enhanceRatingForm);
enhanceEvidenceForm();
