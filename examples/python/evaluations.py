#!/usr/bin/env python3
"""Reads a StreamTrain pipeline's evaluation events from Python with confluent-kafka, from the beginning, and
prints one line per checkpoint (or, with --json, the events themselves). Stops at the events that were there when
it started, unless --follow.

    python3 examples/python/evaluations.py --endpoints streamtrain-work/shuttle/endpoints.json --pipeline shuttle
"""
import argparse
import json
import uuid

from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

EVALUATIONS_TOPIC = "streamtrain.evaluations.v1"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", required=True, help="the endpoints.json of ./streamtrain up")
    parser.add_argument("--pipeline", required=True)
    parser.add_argument("--follow", action="store_true", help="keep reading new events")
    parser.add_argument("--json", action="store_true", help="print the events as JSON lines")
    args = parser.parse_args()

    bootstrap = json.load(open(args.endpoints))["bootstrapServers"]
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"streamtrain-client-{uuid.uuid4()}",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    # No consumer group is joined: the partitions are read from the beginning, up to their ends as of now.
    topic = consumer.list_topics(EVALUATIONS_TOPIC, timeout=10).topics[EVALUATIONS_TOPIC]
    partitions = [TopicPartition(EVALUATIONS_TOPIC, p, OFFSET_BEGINNING) for p in topic.partitions]
    ends = {p.partition: consumer.get_watermark_offsets(p, timeout=10)[1] for p in partitions}
    consumer.assign(partitions)
    try:
        while args.follow or any(p.offset < ends[p.partition] for p in consumer.position(partitions)
                                 if ends[p.partition] > 0):
            message = consumer.poll(0.5)
            if message is None or message.error():
                continue
            headers = dict(message.headers() or [])
            if headers.get("streamtrain.pipeline", b"").decode() != args.pipeline:
                continue
            event = json.loads(message.value())
            if args.json:
                print(json.dumps(event), flush=True)
            else:
                value = "-" if event.get("value") is None else f"{event['value']:.4f}"
                final = " (final)" if event.get("finalCheckpoint") else ""
                print(f"{event['checkpointId']}{final}: {event['metric']} {value} -> {event['verdict']}: "
                      f"{event['reason']}", flush=True)
    finally:
        consumer.close()


if __name__ == "__main__":
    main()
