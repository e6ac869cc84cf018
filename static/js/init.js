// Progressive enhancement only: every page works without this file.
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Wide tables scroll inside their own region, so the page itself never scrolls sideways on a
// narrow screen (WCAG 1.4.10 Reflow). A region that does overflow is named after its table and
// can take the keyboard focus, so keyboard users can scroll it too; one that fits gets no tab stop.
function scrollRegions() {
  document.querySelectorAll("table.govuk-table").forEach((table, index) => {
    let region = table.closest(".portal-scroll");
    if (!region) {
      region = document.createElement("div");
      region.className = "portal-scroll";
      table.parentNode.insertBefore(region, table);
      region.appendChild(table);
    }
    const overflows = region.scrollWidth > region.clientWidth + 1;
    if (overflows) {
      const caption = table.querySelector("caption");
      region.setAttribute("role", "region");
      region.setAttribute("tabindex", "0");
      region.setAttribute("aria-label", (caption ? caption.textContent.trim() : "") || `Table ${index + 1}`);
    } else if (region.dataset.portalServer !== "1") {
      region.removeAttribute("role");
      region.removeAttribute("tabindex");
      region.removeAttribute("aria-label");
    }
  });
}
scrollRegions();
let resizing;
window.addEventListener("resize", () => {
  clearTimeout(resizing);
  resizing = setTimeout(scrollRegions, 150);
});
// A table in a tab that was hidden measured no width: measure again when its tab opens.
document.querySelectorAll(".govuk-tabs__tab").forEach((tab) => {
  tab.addEventListener("click", () => setTimeout(scrollRegions, 0));
});

// A link to something inside a tab (a memorandum's #section-12 after editing that section) opens
// the tab and scrolls to it: GOV.UK's tabs answer only to a fragment that names a whole panel.
function openTabFor(hash) {
  if (!hash || hash.length < 2) return;
  const target = document.getElementById(decodeURIComponent(hash.slice(1)));
  const panel = target && target.closest(".govuk-tabs__panel");
  if (!panel || panel === target) return;
  const tab = document.querySelector(`.govuk-tabs__tab[href="#${panel.id}"]`);
  if (tab && panel.classList.contains("govuk-tabs__panel--hidden")) tab.click();
  target.scrollIntoView();
}
openTabFor(window.location.hash);
window.addEventListener("hashchange", () => openTabFor(window.location.hash));
