"""Take screenshots of the running portal for the README: python scripts/screenshot.py [base-url] [email]

Uses Debian's chromium through Playwright (no browser download).
"""

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
EMAIL = sys.argv[2] if len(sys.argv) > 2 else "lead@example.org"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PAGES = {"dashboard": "/"}
if len(sys.argv) > 3:
    PAGES = dict(arg.split("=", 1) for arg in sys.argv[3:])

OUT.mkdir(parents=True, exist_ok=True)
with sync_playwright() as pw:
    browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"])
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{BASE}/accounts/login/")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill("demo-password")
    page.get_by_role("button", name="Sign in").click()
    for name, path in PAGES.items():
        page.goto(f"{BASE}{path}")
        page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
        print(f"saved docs/screenshots/{name}.png")
    browser.close()
