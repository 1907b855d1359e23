"""A cold process of an integrator using sogenactif: one cardOrder per protocol named.

    python bench/cold/client.py BASE_URL DATA.json rest [soap]

DATA.json holds the call's keyword arguments and the shop's credentials (``bench/processes.py``
writes it). Prints one JSON line: the resident set size at start and after the calls, the time
from the first import to the last call's response, when each step ended, the heavy libraries
loaded. The parent process measures the whole run's wall time.
"""

import sys

from common import report, rss, time  # the script's folder is sys.path[0]

START_RSS = rss()
START = time.perf_counter()
marks: dict[str, float] = {}

import json  # noqa: E402

import sogenactif  # noqa: E402

marks["import sogenactif"] = time.perf_counter()
base_url, data_path, protocols = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(data_path, encoding="utf-8") as f:
    data = json.load(f)
clients = []
for protocol in protocols:
    client = sogenactif.Client(
        merchant_id=data["merchant_id"],
        secret_key=data["secret_key"],
        key_version=data["key_version"],
        environment=base_url,
        protocol=protocol,
        timeout=(10.0, 30.0),
    )
    response = client.checkout.card_order(**data["keywords"])
    assert response.response_code == "00" and response.sealed, protocol
    clients.append((client, response))  # kept: memory is measured with both alive
    marks[f"{protocol} call"] = time.perf_counter()
report(START_RSS, START, marks)
