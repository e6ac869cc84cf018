"""Helpers for browser tests: signing in and running axe-core."""

from __future__ import annotations

import datetime as dt


def sign_in(page, email: str, password: str = "demo-password") -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def fill_date(page, legend: str, day: dt.date) -> None:
    """Type a date into a GOV.UK date input (portal/date_input.py) the way a person does: the
    fieldset named by its legend, then its Day, Month and Year boxes."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def axe_violations(page) -> list[dict]:
    """Run axe-core (vendored from its npm package) on the current page; WCAG 2.x A and AA rules."""
    # A page still loading is laid out in part (axe then finds targets too small, or fails inside
    # itself): wait for it first. A click that has not begun its navigation is the caller's to wait for.
    page.wait_for_load_state()
    # Loaded from our own static files so the page's Content-Security-Policy allows it.
    page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    # resultTypes: only violations are read, so axe skips gathering every passing node (about
    # twice as fast on a long page).
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}, resultTypes: ['violations']})"
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]
    ]


def partnership_content(world):
    """Fill the world's partnership page: aims with outcomes and responsibilities, governance with a meeting."""
    from tests import factories as f

    aim = f.AimFactory(partnership=world.partnership, title="Enough good placements for every student")
    outcome = f.OutcomeFactory(aim=aim, evaluation="The operational group checks the figures each term.")
    outcome.responsibilities.create(partner=world.employer_partner, responsibility="Offers statutory placements")
    outcome.responsibilities.create(partner=world.university_partner, responsibility="Shares student numbers")
    group = f.GovernanceGroupFactory(
        partnership=world.partnership, name="Strategic board", chair="Director of Children's Services"
    )
    f.MeetingFactory(group=group, held_on=dt.date(2026, 9, 24), decisions="Agreed the placement plan for 2026/27.")
    return world


# Whether an element shows the GOV.UK focus style: yellow (#ffdd00) as an outline, a box-shadow
# or a background. A radio or checkbox input is invisible; its label's ::before (the drawn circle
# or box) carries the style. Read while the element has the focus.
_SHOWS_FOCUS = """(e) => {
    const yellow = 'rgb(255, 221, 0)';
    let style = getComputedStyle(e);
    if (e.matches('.govuk-radios__input, .govuk-checkboxes__input') && e.labels.length) {
        style = getComputedStyle(e.labels[0], '::before');
    }
    const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
        && style.outlineColor === yellow;
    return outlined || style.boxShadow.includes(yellow) || style.backgroundColor === yellow;
}"""

_FOCUSED = f"""() => {{
    const e = document.activeElement;
    const label = e.labels && e.labels.length ? e.labels[0].innerText : '';
    return {{
        tag: e.tagName.toLowerCase(),
        type: e.getAttribute('type') || '',
        name: (label || e.getAttribute('aria-label') || e.innerText || e.value || '').trim().replace(/\\s+/g, ' '),
        id: e.id,
        checked: !!e.checked,
        value: e.value === undefined ? null : e.value,
        visible_focus: ({_SHOWS_FOCUS})(e),
    }};
}}"""

_WITHOUT_FOCUS_STYLE = f"""() => {{
    const shows = {_SHOWS_FOCUS};
    const reachable = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
    const missing = [];
    for (const e of document.querySelectorAll(reachable)) {{
        if (e.disabled || e.tabIndex < 0 || !e.getClientRects().length) continue;
        e.focus({{preventScroll: true}});
        if (document.activeElement === e && !shows(e)) {{
            missing.push(e.outerHTML.slice(0, 120));
        }}
    }}
    document.activeElement.blur();
    return missing;
}}"""


def focused(page) -> dict:
    """The focused element (tag, type, name: its label or text, id, checked, value) and
    `visible_focus`: whether it shows the GOV.UK focus style."""
    return page.evaluate(_FOCUSED)


def without_focus_style(page) -> list[str]:
    """Every element on the page that the keyboard can reach but that shows no GOV.UK focus style
    when it has the focus (the start of its markup)."""
    return page.evaluate(_WITHOUT_FOCUS_STYLE)
