"""The generated site in a real browser: Debian's chromium, headless,
through chromedriver, driven by selenium (pinned in
tools-requirements.txt). The site (SITE_DIR) is served on 127.0.0.1 by the
standard library's HTTP server. Checked:

- on sv-SE's page, the table of contents goes to Patch Twin Reported, and the
  page's language switcher then lands on the same section of ru-RU's page;
  so does the section's own link (which needs no script);
- every internal link and resource of every page, crawled from the landing
  page, answers 200, and every fragment names an element of its page;
- the place sv-SE's catalog has fuzzy shows its English text, marked;
- a screenshot of sv-SE's page at that section (SCREENSHOT) is not blank.

Prints a JSON summary; exits non-zero (with the reason) on any failure.
"""

import functools
import http.server
import json
import os
import struct
import sys
import tempfile
import threading
import urllib.parse
import urllib.request
import zlib

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

SITE = os.environ["SITE_DIR"]
SHOT = os.environ["SCREENSHOT"]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
DRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
FUZZY_PLACE = "operation.patch-twin-reported.summary"
FUZZY_ENGLISH = "Patch Twin's reported state"
WAIT = 20


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve():
    handler = functools.partial(Quiet, directory=SITE)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def browser(profile):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        f"--user-data-dir={profile}",
    ]:
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def wait_for_url(driver, url):
    WebDriverWait(driver, WAIT).until(lambda d: d.current_url == url)


def section_top(driver, anchor):
    return driver.execute_script(
        "return document.getElementById(arguments[0]).getBoundingClientRect().top;", anchor
    )


def switch_keeps_the_section(driver, base):
    sv = f"{base}/sv-SE/index.html"
    ru = f"{base}/ru-RU/index.html#patch-twin-reported"
    driver.get(sv)
    driver.find_element(By.CSS_SELECTOR, 'nav.contents a[href="#patch-twin-reported"]').click()
    wait_for_url(driver, f"{sv}#patch-twin-reported")
    driver.find_element(By.CSS_SELECTOR, 'nav.languages a[hreflang="ru-RU"]').click()
    wait_for_url(driver, ru)
    check(driver.execute_script("return document.documentElement.lang") == "ru-RU", "not ru-RU")
    top = section_top(driver, "patch-twin-reported")
    check(-2 <= top < 40, f"the section is not at the top of the window: {top}")
    # The section's own link, without the script's help.
    driver.get(sv)
    driver.find_element(
        By.CSS_SELECTOR, '#patch-twin-reported ul.elsewhere a[hreflang="ru-RU"]'
    ).click()
    wait_for_url(driver, ru)
    top = section_top(driver, "patch-twin-reported")
    check(-2 <= top < 40, f"the section is not at the top of the window: {top}")


def crawl(driver, base):
    """Every page reachable from the landing page; every link checked."""
    pages, ids, fragments, links = [f"{base}/index.html"], {}, [], 0
    seen = set(pages)
    while pages:
        page = pages.pop()
        driver.get(page)
        ids[page] = set(
            driver.execute_script("return [...document.querySelectorAll('[id]')].map(e => e.id);")
        )
        targets = driver.execute_script(
            "return [...document.querySelectorAll('a[href], link[href], script[src]')]"
            ".map(e => e.href || e.src);"
        )
        for target in targets:
            links += 1
            url, _, fragment = target.partition("#")
            check(url.startswith(base + "/"), f"{page}: {target} leaves the site")
            with urllib.request.urlopen(url, timeout=WAIT) as answer:
                check(answer.status == 200, f"{page}: {target}: {answer.status}")
            if fragment:
                fragments.append((page, target, url, urllib.parse.unquote(fragment)))
            if url.endswith(".html") and url not in seen:
                seen.add(url)
                pages.append(url)
    for page, target, url, fragment in fragments:
        check(fragment in ids[url], f"{page}: {target}: no element {fragment!r}")
    return len(seen), links, len(fragments)


def fuzzy_place_is_marked(driver, base):
    driver.get(f"{base}/sv-SE/index.html#patch-twin-reported")
    found = driver.execute_script(
        """
        const el = document.querySelector(`[data-place="${arguments[0]}"]`);
        if (!el) return null;
        const notice = el.closest('section').querySelector('.stale-notice');
        return {
            lang: el.lang,
            text: el.textContent,
            marker: getComputedStyle(el, '::after').content,
            notice: notice ? notice.offsetHeight : 0,
        };
        """,
        FUZZY_PLACE,
    )
    check(found is not None, "the fuzzy place is not marked")
    check(found["lang"] == "en-US", f"lang {found['lang']}")
    check(found["text"] == FUZZY_ENGLISH, f"text {found['text']!r}")
    check("\u26a0" in found["marker"], f"marker {found['marker']!r}")
    check(found["notice"] > 0, "the section's notice is not shown")


def png_colours(path):
    """Distinct colours of an 8-bit RGB or RGBA PNG, and the share of pixels
    that are not the commonest colour."""
    data = open(path, "rb").read()
    check(data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    check(depth == 8 and colour in (2, 6) and interlace == 0, f"unexpected PNG {header}")
    bpp = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    previous, counts = bytearray(stride), {}
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            corner = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[i] = (line[i] + pred) & 0xFF
        for i in range(0, stride, bpp):
            key = bytes(line[i : i + 3])
            counts[key] = counts.get(key, 0) + 1
        previous = line
    total = width * height
    return len(counts), 1 - max(counts.values()) / total


def main():
    server = serve()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory() as profile:
        driver = browser(profile)
        try:
            switch_keeps_the_section(driver, base)
            pages, links, fragments = crawl(driver, base)
            fuzzy_place_is_marked(driver, base)
            # The section with the marked place.
            driver.get(f"{base}/sv-SE/index.html#patch-twin-reported")
            check(driver.save_screenshot(SHOT), "no screenshot")
        finally:
            driver.quit()
            server.shutdown()
    colours, inked = png_colours(SHOT)
    check(colours >= 8 and inked > 0.01, f"blank screenshot: {colours} colours, {inked:.3%} inked")
    print(json.dumps({
        "pages": pages,
        "links": links,
        "fragments": fragments,
        "screenshot": SHOT,
        "colours": colours,
        "inked": round(inked, 4),
    }))


if __name__ == "__main__":
    try:
        main()
    except AssertionError as failure:
        print(f"site_e2e: {failure}", file=sys.stderr)
        sys.exit(1)
