"""Parses Prometheus text exposition with the official Python client's parser (Debian package
python3-prometheus-client), independent of the Java code that wrote it, and prints one JSON line
per sample: {"family", "type", "name", "labels", "value"}. Exits non-zero when the text does not
parse. Used by MetricsEndpointIT."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

text = open(sys.argv[1], encoding="utf-8").read()
for family in text_string_to_metric_families(text):
    for s in family.samples:
        print(json.dumps({"family": family.name, "type": family.type, "name": s.name,
                          "labels": s.labels, "value": s.value}))
