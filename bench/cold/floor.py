"""A cold process doing the same calls by hand with the bare libraries (the cold floors).

    python bench/cold/floor.py BASE_URL DATA.json rest|rest+model [soap]

- ``rest``: ``requests.post`` of the very bytes the client sends, ``json.loads`` of the reply;
- ``rest+model``: the same, then the reply validated into one Pydantic model (a class with the
  cardOrder response's fields, defined here): the least a typed client on requests pays;
- ``soap``: plain zeep on the generated WSDL (parsed here, as a zeep integrator's process does),
  bound to the server, sending the client's sealed fields; the reply read by zeep.

Prints the same JSON line as ``client.py``.
"""

import sys

from common import report, rss, time  # the script's folder is sys.path[0]

START_RSS = rss()
START = time.perf_counter()
marks: dict[str, float] = {}

import json  # noqa: E402

base_url, data_path, protocols = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(data_path, encoding="utf-8") as f:
    data = json.load(f)
kept = []
for protocol in protocols:
    if protocol.startswith("rest"):
        import requests

        reply = requests.post(
            base_url + data["rest_path"],
            data=data["rest_body"].encode("utf-8"),
            headers=data["rest_headers"],
            timeout=(10.0, 30.0),
        )
        decoded = json.loads(reply.content)
        if protocol == "rest+model":
            import pydantic

            # One model class, as a hand-written typed client would define for this reply.
            CardOrderResponse = pydantic.create_model(
                "CardOrderResponse",
                **{name: (str | None, None) for name in data["response_fields"]},
            )
            decoded = CardOrderResponse.model_validate(decoded)
            assert decoded.responseCode == "00"
        else:
            assert decoded["responseCode"] == "00"
        kept.append(decoded)
    elif protocol == "soap":
        import zeep

        client = zeep.Client(data["wsdl"])
        service = client.create_service(data["binding"], base_url + data["soap_path"])
        answer = service.cardOrder(input=data["soap_input"])
        assert answer.responseCode == "00"
        kept.append((client, answer))
    marks[f"{protocol} call"] = time.perf_counter()
report(START_RSS, START, marks)
