"""Screenshots of the site for the README, at desktop and phone widths, in Debian's Chromium.

make run &                      # or any running copy of the site
.venv/bin/python docs/screenshots.py http://127.0.0.1:8000            # every page
.venv/bin/python docs/screenshots.py http://127.0.0.1:8000 edition    # only these

The edition page is /editions/2021-10-12/3/: import a page of that date and number first
(tests/test_import_page.py's WHOLE_PAGE is one).
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent / "screenshots"
PAGES = {
    "home": "/",
    "story": "/articles/1/",
    "listing": "/articles/?reporter=cao-kailin&tag=政法",
    "edition": "/editions/2021-10-12/3/",
}
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main(base, names):
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for device, (width, height) in WIDTHS.items():
            context = browser.new_context(
                viewport={"width": width, "height": height}, device_scale_factor=1, locale="zh-CN"
            )
            page = context.new_page()
            for name, path in PAGES.items():
                if names and name not in names:
                    continue
                page.goto(base.rstrip("/") + path)
                target = OUT / f"{name}-{device}.png"
                page.screenshot(path=str(target), full_page=device == "phone" and name != "story")
                print(target.relative_to(OUT.parent.parent))
            context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000", sys.argv[2:])
