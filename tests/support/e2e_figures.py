"""The app's benchmark figures, measured once in a real browser (printed, never asserted).

    COACH_DATA_DIR=.coach python tests/e2e_figures.py

- time from `streamlit run` to the first answer on a warm index (the data directory already holds
  the index): the server starts, a browser opens the page, asks a question and sees the answer;
- resident memory (VmRSS) of the streamlit process after a full diagnostic run by quick replies.

Build the index first (`python -m coach ingest`), or the first figure measures the build.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

import tests.support.e2e_support as e2e

QUESTION = "Is posting three times a week a strategy?"


def main() -> int:
    data_dir = Path(os.environ.get("COACH_DATA_DIR", ".coach")).resolve()
    if not (data_dir / "chroma").exists():
        print(f"no index in {data_dir}: run `python -m coach ingest` first", file=sys.stderr)
        return 2
    log = Path(tempfile.mkdtemp(prefix="coach-figures-")) / "server.log"
    with e2e.streamlit_server(data_dir, log) as server, sync_playwright() as playwright:
        healthy = time.perf_counter() - server.started_at
        browser = e2e.launch_chromium(playwright)
        try:
            page = browser.new_page(viewport=e2e.DESKTOP)
            e2e.open_app(page, server)
            e2e.send(page, QUESTION)
            first_answer = time.perf_counter() - server.started_at
            assert "[1]" in e2e.messages(page).last.inner_text(), "the first answer has no source"
            e2e.new_conversation(page)
            clicks = e2e.run_diagnostic(page)
            rss = server.rss_mb()
        finally:
            browser.close()
    print(f"server healthy after            {healthy:6.2f} s")
    print(f"first answer after streamlit run {first_answer:6.2f} s (warm index, includes opening the page)")
    print(f"RSS after a full diagnostic      {rss:6.0f} MB ({clicks} quick replies to the summary)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
