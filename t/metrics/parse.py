#!/usr/bin/python3
# Reads cognito_auth_metrics output on stdin and parses it with Python's
# prometheus_client, the reference parser (Debian's python3-prometheus-
# client): the Prometheus text format, or OpenMetrics when the text ends
# with "# EOF".  Exit 0 when it parses cleanly; otherwise what is wrong, on
# stdout, and exit 1.  t/018-metrics.t feeds it every /metrics response.
#
# Clean means: the parser raises nothing, every family has samples and
# the type its TYPE line gave (a sample that lands in a family of type
# "unknown" had no HELP/TYPE of its own right before it), no family
# appears twice, and every sample's name belongs to its family.

import sys

from prometheus_client import parser as text_parser
from prometheus_client.openmetrics import parser as om_parser


def check(text):
    om = text.endswith("# EOF\n")
    parse = (om_parser if om else text_parser).text_string_to_metric_families
    problems = []
    seen = set()
    nsamples = 0

    try:
        families = list(parse(text))
    except Exception as e:  # the parser's own words
        return om, 0, 0, ["parser: %s" % e]

    for f in families:
        if f.name in seen:
            problems.append("family %s appears twice" % f.name)
        seen.add(f.name)
        if not f.samples:
            problems.append("family %s has no samples" % f.name)
        if f.type not in ("counter", "gauge"):
            problems.append("family %s has type %s" % (f.name, f.type))
        if not f.documentation:
            problems.append("family %s has no HELP" % f.name)
        for s in f.samples:
            nsamples += 1
            if s.name not in (f.name, f.name + "_total"):
                problems.append("sample %s in family %s" % (s.name, f.name))

    return om, len(families), nsamples, problems


def main():
    om, nfamilies, nsamples, problems = check(sys.stdin.read())
    fmt = "OpenMetrics" if om else "Prometheus text"

    for p in problems:
        print(p)

    print("%s: %d families, %d samples, %s" %
          (fmt, nfamilies, nsamples, "FAILED" if problems else "ok"))

    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
