// The partnership page: load each section another app contributes (memoranda, health checks,
// placements) the first time it is shown, so opening the page costs none of their work.
// Without this script each section is a link to a page of its own.
const sections = document.querySelectorAll("[data-section-url]");

async function load(section) {
  if (section.dataset.loaded) return;
  section.dataset.loaded = "loading";
  section.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(section.dataset.sectionUrl, {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    // Our own server's HTML, rendered with Django's escaping; it carries no scripts.
    section.innerHTML = await response.text();
    section.dataset.loaded = "yes";
  } catch (error) {
    // Keep the link to the section's own page, and say why it is there.
    section.dataset.loaded = "";
    const note = document.createElement("p");
    note.className = "govuk-body-s";
    note.textContent = "This section could not be loaded here. Use the link to open it.";
    section.append(note);
  } finally {
    section.removeAttribute("aria-busy");
  }
}

// A section is loaded when it becomes visible: its tab was chosen, or (on small screens, where
// the tabs show one section after another) it was scrolled into view.
const observer = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (entry.isIntersecting) {
      observer.unobserve(entry.target);
      load(entry.target);
    }
  }
});
sections.forEach((section) => observer.observe(section));
