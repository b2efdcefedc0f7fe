"""``frontline bench <suite>``: figures for capacity planning and regressions.

Every suite runs on a throw-away database (``common.throwaway_database``) and prints one
JSON object per figure on stdout. A suite is a module with ``HELP``,
``add_arguments(parser)`` and ``run(options, out=, err=)``, listed in ``SUITES``.
"""

SUITES = {
    "core": "frontline.bench.core",
    "mail": "frontline.bench.mail",
    "sla": "frontline.bench.sla",
    "routing": "frontline.bench.routing",
    "search": "frontline.bench.search",
    "automation": "frontline.bench.automation",
}
