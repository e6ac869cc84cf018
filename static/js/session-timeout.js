// The session-timeout warning (WCAG 2.2.1 Timing Adjustable). Progressive enhancement: without
// this file the session still ends after the idle limit and the next page asks the person to sign
// in again. The dialogue and its words are in templates/includes/session_timeout.html; the
// timings come from its data attributes (portal.context_processors.site).
//
// Several tabs share one session: each tab writes the time its session ends to localStorage, and
// no tab warns or signs out while another tab has moved that time on.

const dialog = document.querySelector('[data-module="portal-session-timeout"]');

if (dialog && typeof dialog.showModal === "function") {
  const KEY = "portal-session-ends-at";
  const secondsLeft = Number(dialog.dataset.secondsLeft);
  const warnSeconds = Number(dialog.dataset.warnSeconds);
  const idleSeconds = Number(dialog.dataset.idleSeconds);
  const countdown = dialog.querySelector("[data-countdown]");
  const announce = dialog.querySelector("[data-announce]");
  const keepAlive = dialog.querySelector("[data-keep-alive]");
  const expiredForm = document.querySelector("[data-expired-sign-out]");
  let endsAt = Date.now() + secondsLeft * 1000;
  let lastSaid = "";
  let returnFocusTo = null;

  const shared = () => Number(window.localStorage.getItem(KEY)) || 0;
  const share = () => {
    if (endsAt > shared()) window.localStorage.setItem(KEY, String(endsAt));
  };
  share();

  // "2 minutes", "1 minute 5 seconds", "20 seconds": as GOV.UK's timeout warning words it.
  const words = (seconds) => {
    const m = Math.floor(seconds / 60);
    const s = seconds % 60;
    const parts = [];
    if (m) parts.push(`${m} minute${m === 1 ? "" : "s"}`);
    if (s || !m) parts.push(`${s} second${s === 1 ? "" : "s"}`);
    return parts.join(" ");
  };

  // Told to screen readers when the whole minutes change and at 30 and 10 seconds, not every second.
  const spoken = (seconds) => {
    if (seconds > 60) return `${Math.ceil(seconds / 60)} minutes`;
    if (seconds > 30) return "1 minute";
    return seconds > 10 ? "30 seconds" : "10 seconds";
  };

  const unsavedWork = () =>
    Array.from(document.querySelectorAll("main form")).some(
      (form) =>
        form.method.toLowerCase() === "post" &&
        form.querySelector("input:not([type=hidden]):not([type=submit]), textarea, select"),
    );

  const focusables = () =>
    Array.from(dialog.querySelectorAll("button, a[href], input:not([type=hidden])")).filter((e) => !e.disabled);

  const open = (left) => {
    if (dialog.open) return;
    dialog.querySelector("[data-unsaved]").hidden = !unsavedWork();
    countdown.textContent = words(left);
    lastSaid = spoken(left);
    returnFocusTo = document.activeElement;
    dialog.showModal();
    focusables()[0].focus();
  };

  const close = () => {
    if (!dialog.open) return;
    dialog.close();
    announce.textContent = "";
    if (returnFocusTo && document.contains(returnFocusTo)) returnFocusTo.focus();
  };

  const expire = () => {
    window.clearInterval(timer);
    const next = expiredForm.querySelector("input[name=next]");
    next.value = `${next.value}?next=${encodeURIComponent(window.location.pathname + window.location.search)}`;
    expiredForm.submit();
  };

  const tick = () => {
    endsAt = Math.max(endsAt, shared()); // another tab may have kept the session going
    const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    if (left <= 0) {
      expire();
    } else if (left <= warnSeconds) {
      open(left);
      countdown.textContent = words(left);
      const now = spoken(left);
      if (now !== lastSaid) {
        lastSaid = now;
        announce.textContent = `You will be signed out in ${now}.`;
      }
    } else {
      close();
    }
  };

  const stay = async () => {
    try {
      const response = await fetch(keepAlive.action, {
        method: "POST",
        body: new FormData(keepAlive),
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      });
      if (response.status !== 204) throw new Error(`keep-alive answered ${response.status}`);
    } catch (error) {
      expire(); // the session has already ended (or the portal cannot be reached)
      return;
    }
    endsAt = Date.now() + idleSeconds * 1000;
    share();
    close();
  };

  keepAlive.addEventListener("submit", (event) => {
    event.preventDefault();
    stay();
  });
  // Escape means "stay signed in", never a silent dismissal that leaves the clock running.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stay();
  });
  // Keep the focus inside the dialogue (the browser would otherwise let Tab reach its own toolbar).
  dialog.addEventListener("keydown", (event) => {
    if (event.key !== "Tab") return;
    const items = focusables();
    const first = items[0];
    const last = items[items.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });
  window.addEventListener("storage", (event) => {
    if (event.key === KEY) tick();
  });
  document.addEventListener("visibilitychange", tick);
  const timer = window.setInterval(tick, 1000);
}
