"""`migkg report`: the report people read, built from the graph (see ``migkg.report.build``).

The sections of the page are declared in queries/report-sections.yaml; the modules here:
``build`` (the pipeline, staging folder, swap), ``inputs`` (all reading of the graph),
``sections`` (the declarations and their tables), ``page`` and ``context`` (one language's
page), ``specials`` (the parts with a layout of their own), ``pictures`` and ``draw`` (SVG,
cached), ``ontodoc`` (pyLODE, cached), ``background`` (cache or worker process), ``templating``.
"""

from migkg.report.build import MARKER, ReportResult, build_report, check_output_dir
from migkg.report.common import ReportError

__all__ = ["MARKER", "ReportError", "ReportResult", "build_report", "check_output_dir"]
