"""The HTML report in a real browser: headless Chromium driven by Playwright.

The page must render without console or page errors and without any request
beyond the file itself; every figure must have a non-zero size and must not
be blank (its screenshot has more than one colour); and the headline numbers
on the page must equal the study result's.

Chromium comes from the distribution (``apt-get install chromium``, done by
``.ci/run``), never from ``playwright install``. Without it, or without the
``playwright`` package, the tests skip with the reason, except under
``CI=true``, where they fail.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from study_charts import standin

from satmodels.cli import main
from satmodels.demo import sample_study
from satmodels.study import StudyResult
from satmodels.study.result import headline_text

pytest.importorskip("matplotlib")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)


def _chromium() -> str:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    _unavailable("Chromium is not installed (apt-get install chromium)")
    raise AssertionError  # pragma: no cover - _unavailable raised


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (the test extra)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def sample() -> StudyResult:
    return sample_study()


def _colours(png: bytes) -> int:
    from matplotlib.image import imread

    pixels = imread(io.BytesIO(png), format="png")
    flat = pixels.reshape(-1, pixels.shape[-1])
    return int(np.unique(flat, axis=0).shape[0])


def check_page(browser: Any, path: Path, result: StudyResult) -> None:
    """Open ``path`` and hold it to the report's promises."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    requests: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on("request", lambda r: requests.append(r.url))
    url = path.resolve().as_uri()
    page.goto(url, wait_until="load")
    try:
        assert problems == []
        assert requests == [url]  # nothing but the page itself
        assert page.title() == result.title
        # the first screen: headline numbers with their intervals
        cards = page.locator("[data-headline]")
        assert cards.count() == len(result.headline)
        for k, h in enumerate(result.headline):
            card = cards.nth(k)
            assert card.get_attribute("data-headline") == h.analysis
            assert float(card.get_attribute("data-estimate")) == h.estimate
            assert float(card.get_attribute("data-ci-low")) == h.ci_low
            assert float(card.get_attribute("data-ci-high")) == h.ci_high
            value, ci = headline_text(h)
            assert card.locator(".estimate").inner_text() == value
            assert card.locator(".interval").inner_text() == ci
            assert card.is_visible()
        items = page.locator("[data-priority]")
        assert [
            items.nth(k).get_attribute("data-item") for k in range(items.count())
        ] == [p.item for p in result.priorities]
        # every figure is visible and not blank
        figures = page.locator("figure[data-figure] > svg")
        want = [f.name for s in result.sections for f in s.figures]
        assert figures.count() == len(want)
        for k, name in enumerate(want):
            svg = figures.nth(k)
            box = svg.bounding_box()
            assert box is not None and box["width"] > 50 and box["height"] > 50, name
            assert _colours(svg.screenshot()) > 2, f"{name} is blank"
    finally:
        page.close()


def test_report_renders_in_chromium(
    browser: Any,
    sample: StudyResult,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The page itself, with stand-in charts until satmodels.plot is merged."""
    standin(monkeypatch)
    path = tmp_path / "report.html"
    sample.to_html(path)
    check_page(browser, path, sample)


def test_a_blank_figure_is_caught(
    browser: Any,
    sample: StudyResult,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The check can fail: a chart that draws nothing is reported blank."""
    from satmodels.study import _html

    def nothing(name: str) -> Any:
        def draw(result: Any, *, ax: Any) -> Any:
            ax.set_axis_off()
            return ax

        return draw

    monkeypatch.setattr(_html, "_chart", nothing)
    path = tmp_path / "blank.html"
    sample.to_html(path)
    with pytest.raises(AssertionError, match="blank"):
        check_page(browser, path, sample)


def test_demo_report_renders_in_chromium(
    browser: Any,
    sample: StudyResult,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``satmodels demo --out report.html`` with the real charts."""
    path = tmp_path / "report.html"
    assert main(["demo", "--out", str(path)]) == 0
    capsys.readouterr()
    check_page(browser, path, sample)
