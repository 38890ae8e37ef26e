"""Serve plotly.js from the installed plotly package as `vendor/plotly.min.js`.

Pages load plotly.js from our own static files (never a CDN). Taking the file from the
package keeps the browser library in step with the figures plotly.py writes, without a
4.8 MB copy in the repository.
"""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_JS = "vendor/plotly.min.js"
_PACKAGE_DATA = Path(plotly.__file__).resolve().parent / "package_data"


class PlotlyFinder(BaseFinder):
    storage = FileSystemStorage(location=_PACKAGE_DATA)

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path != PLOTLY_JS:
            return [] if find_all else None
        match = str(_PACKAGE_DATA / "plotly.min.js")
        return [match] if find_all else match

    def list(self, ignore_patterns):
        # collectstatic copies the file under its public name via a prefixed storage.
        storage = FileSystemStorage(location=_PACKAGE_DATA)
        storage.prefix = "vendor"
        yield "plotly.min.js", storage
