"""The bundle report as a musician opens it: from disk, in a real headless Chromium
(Debian's `chromium`, driven by Playwright): no console errors, the example sounds are
`<audio>` elements that play, and a click on the map or the heatmap plays the clip there."""
import json
import re
import shutil

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def page(small_bundle):
    assert CHROMIUM, "the report page is tested in Debian's chromium: apt-get install chromium (make system-deps)"
    out, _ = small_bundle
    problems = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"could not load {r.url}"))
        page.goto((out / "report" / "index.html").as_uri())
        page.wait_for_load_state("load")
        yield page, out, problems
        browser.close()


def data(out):
    text = (out / "report" / "data.js").read_text()
    return json.loads(re.fullmatch(r"window\.SEMANTIC_REPORT = (.*);\n", text, re.S).group(1))


def plays(page, clip: str) -> bool:
    """Whether the page's player starts playing `clip` (waits up to 10 s for it)."""
    page.wait_for_function("""clip => { const p = document.getElementById('player');
        return p.dataset.clip === clip && p.currentTime > 0.05 || p.dataset.clip !== clip; }""",
                           arg=clip, timeout=10000)
    return page.evaluate("document.getElementById('player').dataset.clip") == clip


def click_at(page, selector, x, y):
    """Clicks a report canvas at (x, y) in 0..1 of its plot area (y up)."""
    canvas = page.locator(selector)
    canvas.scroll_into_view_if_needed()
    margin = float(canvas.get_attribute("data-margin"))
    width, height = (float(canvas.get_attribute(k)) for k in ("width", "height"))
    box = canvas.bounding_box()
    px = margin + x * (width - 2 * margin)
    py = margin + (1 - y) * (height - 2 * margin)
    canvas.click(position={"x": px * box["width"] / width, "y": py * box["height"] / height})


def test_the_page_loads_from_disk_without_errors(page):
    page, out, problems = page
    assert problems == []
    manifest = json.loads((out / "manifest.json").read_text())
    files = [e["file"] for ends in manifest["examples"].values() for end in ends.values() for e in end]
    sources = page.eval_on_selector_all("figure.ex audio", "els => els.map(e => e.getAttribute('src'))")
    assert sources == [f"../{f}" for f in files]
    assert page.locator("#map-canvas").is_visible() and page.locator("#heatmap-canvas").is_visible()


def test_an_example_plays_in_place(page):
    page, _, problems = page
    first = page.locator("figure.ex audio").first
    first.scroll_into_view_if_needed()
    first.evaluate("a => a.play()")
    page.wait_for_function("document.querySelector('figure.ex audio').currentTime > 0.05", timeout=10000)
    assert problems == []


def test_a_click_on_the_map_plays_the_sound_there(page):
    page, out, problems = page
    clips = data(out)["clips"]["map"]
    for clip in (clips[0], clips[len(clips) // 2], clips[-1]):
        click_at(page, "#map-canvas", clip["x"], clip["y"])
        assert plays(page, clip["file"])
        assert f"sound {clip['sample']} of the map" in page.inner_text("#now")
        assert (out / "report" / clip["file"]).is_file()
    assert problems == []


def test_a_click_on_the_heatmap_plays_that_cell_decoded(page):
    page, out, problems = page
    d = data(out)
    cells = d["clips"]["heatmap"]["cells"]
    rows = len(d["heatmap"]["y_values"])
    cols = len(d["heatmap"]["x_values"])
    corner = max(cells, key=lambda c: (c["row"], c["col"]))  # top right
    click_at(page, "#heatmap-canvas", (corner["col"] + 0.5) / cols, (corner["row"] + 0.5) / rows)
    assert plays(page, corner["file"])
    assert problems == []
