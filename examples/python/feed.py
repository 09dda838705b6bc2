#!/usr/bin/env python3
"""Feeds a running StreamTrain pipeline from Python with confluent-kafka: one JSON object per CSV row, published to
the ingest topic without any header (a plain client needs none), then optionally the end-of-data control message
that closes the segment. Reads the broker address from the endpoints.json that `./streamtrain up` keeps.

    python3 examples/python/feed.py --endpoints streamtrain-work/shuttle/endpoints.json \
        --pipeline shuttle --rows 0:5000 --end-of-data datasets/shuttle/shuttle.csv
"""
import argparse
import csv
import json

from confluent_kafka import Producer

INGEST_TOPIC = "streamtrain.ingest.v1"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", help="a CSV file with a header line")
    parser.add_argument("--endpoints", required=True, help="the endpoints.json of ./streamtrain up")
    parser.add_argument("--pipeline", required=True, help="the pipeline the end-of-data marker is for")
    parser.add_argument("--rows", default=":", help="data rows to send, as START:END (default: all)")
    parser.add_argument("--end-of-data", action="store_true", help="close the segment after these rows")
    args = parser.parse_args()

    bootstrap = json.load(open(args.endpoints))["bootstrapServers"]
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True})
    start, _, end = args.rows.partition(":")
    start, end = int(start or 0), int(end) if end else None
    sent = 0
    with open(args.csv, newline="") as data:
        for number, row in enumerate(csv.DictReader(data)):
            if number < start or (end is not None and number >= end):
                continue
            # The key (a record id) is optional; with it, a record sent twice is recognised as a duplicate.
            producer.produce(INGEST_TOPIC, key=f"{args.csv}:{number + 2}", value=json.dumps(row).encode())
            sent += 1
            if sent % 10_000 == 0:
                producer.poll(0)
    if args.end_of_data:
        producer.produce(INGEST_TOPIC, value=b"{}", headers={"streamtrain.pipeline": args.pipeline,
                                                           "streamtrain.control": "end-of-data"})
    left = producer.flush(30)
    if left:
        raise SystemExit(f"{left} messages not delivered to {bootstrap}")
    print(f"sent {sent} records{' and the end-of-data marker' if args.end_of_data else ''} to {bootstrap}")


if __name__ == "__main__":
    main()
