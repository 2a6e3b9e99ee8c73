"""Contracts as data: every example validates, every consumer reads every producer's example."""

import importlib

import pytest

from gongjian_shared import contracts
from gongjian_shared.topics import TOPICS, topic_for_event_type

CONSUMER_MODULES = ("gongjian_registry", "gongjian_claims", "gongjian_evaluation")


def _consumer_reads():
    reads = []
    for package in CONSUMER_MODULES:
        try:
            module = importlib.import_module(f"{package}.entrypoints.consumers")
        except ModuleNotFoundError:
            continue  # a service that consumes nothing has no consumers module
        reads += [(package, event_type, model) for event_type, model in getattr(module, "READS", {}).items()]
    return reads


@pytest.mark.parametrize("event_type", contracts.contracted_types())
def test_every_example_validates_and_sits_on_its_topic(event_type):
    examples = contracts.examples(event_type)
    assert examples, f"{event_type} has no example"
    for example in examples:
        contracts.validate_event(example)
        assert example["type"] == f"gongjian.{event_type}"
        source_service = example["source"].split("/")[1]
        assert topic_for_event_type(event_type).name.startswith(source_service + ".")


def test_every_contracted_topic_type_has_a_contract():
    declared = {t for topic in TOPICS.values() for t in topic.event_types}
    missing = sorted(declared - set(contracts.contracted_types()))
    assert not missing, f"event types without a contract file: {missing}"


@pytest.mark.parametrize(("service", "event_type", "model"), _consumer_reads(),
                         ids=lambda v: v if isinstance(v, str) else getattr(v, "__name__", "?"))
def test_consumer_model_reads_every_example(service, event_type, model):
    for example in contracts.examples(event_type):
        model.model_validate(example["data"])


def test_a_broken_example_is_caught():
    example = dict(contracts.examples("member.reported")[0])
    example["data"] = {"member_id": "m1"}  # community_id and kind missing
    with pytest.raises(Exception):
        contracts.validate_event(example)
