"""Measurements for the closing note: `make bench` (`python -m scripts bench [--out DIR] [--no-lighthouse]`).

One run on this machine compares the guide with a stock Material for MkDocs
site made from the same Markdown:

- build time (median of 5 builds each) and the ratio ours/stock;
- the content check's time (`make check`), on the real docs and on 1,000 pages;
- how build and check times grow with 100, 500 and 1,000 pages;
- first-view transfer per page, as a gzip-serving host would send it, cold cache;
- Lighthouse scores (mobile), when Lighthouse can run here, with the targets each page meets.

One module per measurement: build.py, check.py, scaling.py, weight.py (first view and first
search), lighthouse.py; common.py (configs, timed builds), server.py (the gzip host),
machine.py and report.py (results.md). `--skip check,scaling` leaves measurements out;
`--lighthouse-runs 3` runs Lighthouse three times per page when the machine is noisy.

It writes `<out>/results.md` (printed at the end) and `<out>/results.json`.
Every figure in results.md says how it was measured. A measurement that fails
is reported as "failed: <reason>" and the bench goes on; the exit status is 1
when any measurement failed, else 0 (targets missed are results, not failures).
Nothing here is part of the CI gate.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .build import measure_builds
from .check import measure_check, measure_check_robustness
from .common import ROOT, MeasurementError, choose_guide_page, log, our_config, stock_config
from .lighthouse import measure_lighthouse
from .machine import machine_facts
from .report import failed, render
from .scaling import measure_scaling
from .weight import measure_weight


def section(results: dict[str, Any], name: str, problems: list[str], measure: Callable[[], Any]) -> None:
    """Run one measurement; an expected failure (or any other error) is reported, never raised."""
    try:
        results[name] = measure()
    except MeasurementError as error:
        results[name] = {"failed": str(error)}
    except Exception as error:  # noqa: BLE001 - one broken measurement must not lose the others
        results[name] = {"failed": f"{type(error).__name__}: {error}"}
    if failed(results[name]):
        problems.append(f"{name}: {failed(results[name])}")
        log(f"{name} failed: {failed(results[name])}")


SKIPPABLE = ("check", "scaling", "weight", "lighthouse")


def run_bench(out: str, lighthouse: bool = True, skip: tuple[str, ...] = (), lighthouse_runs: int = 1) -> int:
    """Every measurement but those in `skip` (the builds always run: the other measurements use their sites)."""
    started = time.perf_counter()
    skip = tuple(skip) + (() if lighthouse else ("lighthouse",))
    out_dir = Path(out)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        print(f"error: cannot create {out_dir}: {error}", file=sys.stderr)
        return 2

    results: dict[str, Any] = {"machine": machine_facts()}
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="guide-bench-") as temp:
        work = Path(temp)
        ours_site, stock_site, nofont_site = work / "site-ours", work / "site-stock", work / "site-stock-nofont"
        stock_project = work / "stock"

        def prepare_stock() -> dict[str, Any]:
            config = our_config()
            shutil.copytree(ROOT / "docs", stock_project / "docs")
            nav = config.get("nav")
            site_name = str(config.get("site_name", "Stock"))
            (stock_project / "mkdocs.yml").write_text(stock_config(site_name, nav), encoding="utf-8")
            (stock_project / "mkdocs-nofont.yml").write_text(stock_config(site_name, nav, fonts=False), encoding="utf-8")
            return {"site_name": site_name, "config": stock_config(site_name, nav)}

        section(results, "stock_project", problems, prepare_stock)
        if failed(results["stock_project"]):
            for name in ("build", "check", "scaling", "weight"):
                results[name] = {"failed": "the stock project could not be prepared"}
        else:
            site_name = results["stock_project"]["site_name"]
            section(results, "build", problems, lambda: measure_builds(ours_site, stock_project, stock_site, nofont_site))
            if "check" not in skip:
                section(results, "check", problems, measure_check)
                section(results, "check_robustness", problems, measure_check_robustness)
            if "scaling" not in skip:
                section(results, "scaling", problems, lambda: measure_scaling(work, site_name))
            if (ours_site / "index.html").exists():
                log(f"largest guide page: /{choose_guide_page(ours_site)}")
            sites = {
                name: site
                for name, site in (("ours", ours_site), ("stock", stock_site), ("stock_no_google_fonts", nofont_site))
                if (site / "index.html").exists()
            }
            if "weight" in skip:
                pass
            elif sites:
                section(results, "weight", problems, lambda: measure_weight(sites))
            else:
                results["weight"] = {"failed": "no site was built"}
                problems.append("weight: no site was built")
            if "lighthouse" not in skip:
                lighthouse_sites = {name: sites[name] for name in ("ours", "stock") if name in sites}
                section(results, "lighthouse", problems,
                        lambda: measure_lighthouse(lighthouse_sites, work, runs=lighthouse_runs))
                if not failed(results["lighthouse"]):
                    for site in results["lighthouse"]["sites"].values():
                        for label, run in site.items():
                            if "failed" in run:
                                problems.append(f"lighthouse {label}: {run['failed']}")

    results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["runtime_s"] = round(time.perf_counter() - started, 1)
    results["problems"] = problems
    markdown = render(results)
    (out_dir / "results.md").write_text(markdown, encoding="utf-8")
    (out_dir / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(markdown)
    log(
        f"wrote {out_dir / 'results.md'} and {out_dir / 'results.json'} in {results['runtime_s']:.0f} s"
        + (f"; {len(problems)} measurement(s) failed" if problems else "")
    )
    return 1 if problems else 0
