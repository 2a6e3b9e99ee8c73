"""Unit tests: envelope, auth tokens, masking and log redaction (no infrastructure)."""

import logging

import jwt
import pytest

from gongjian_shared.auth import Principal, decode_token, issue_token
from gongjian_shared.envelope import CloudEvent, new_event
from gongjian_shared.privacy import RedactingFilter, mask_id_card, mask_name, mask_phone, redact
from gongjian_shared.settings import DEV_JWT_SECRET


def test_event_chain_carries_correlation_and_causation():
    first = new_event(source="gongjian/claims", type="demand.verified", subject="d1", data={"x": 1})
    assert first.type == "gongjian.demand.verified" and first.correlationid == first.id
    assert "causationid" not in first.to_dict()  # absent for the first event of a chain
    second = new_event(source="gongjian/evaluation", type="points.awarded", subject="m1", data={}, cause=first)
    assert second.causationid == first.id and second.correlationid == first.id
    round_trip = CloudEvent.from_bytes(second.to_bytes())
    assert round_trip == second and round_trip.time.endswith("Z")


def test_token_round_trip_and_place_scope():
    token = issue_token(DEV_JWT_SECRET, sub="u1", role="district_admin", places=["district-a"])
    principal = decode_token(DEV_JWT_SECRET, token)
    assert principal == Principal(sub="u1", role="district_admin", places=["district-a"])
    assert principal.acts_for(["city", "district-a", "street-1", "community-9"])
    assert not principal.acts_for(["city", "district-b", "street-2"])
    assert not principal.acts_for([])
    assert Principal(sub="c", role="city_admin").acts_for(["anything"])


def test_token_with_wrong_secret_or_role_is_refused():
    token = issue_token("another-secret-that-is-long-enough-for-hs256!", sub="u1", role="member", places=[])
    with pytest.raises(jwt.InvalidSignatureError):
        decode_token(DEV_JWT_SECRET, token)
    with pytest.raises(ValueError):
        issue_token(DEV_JWT_SECRET, sub="u1", role="emperor", places=[])


def test_masking():
    assert mask_name("张三珠") == "张*珠" and mask_name("李四") == "李*" and mask_name("欧阳娜娜") == "欧**娜"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_card("11010519491231002X") == "110***********002X"


def test_logs_never_carry_phone_or_id_numbers():
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "call %s id %s", ("13812345678", "11010519491231002X"), None)
    RedactingFilter().filter(record)
    text = record.getMessage()
    assert "13812345678" not in text and "11010519491231002X" not in text
    assert redact("order 20261123000000000001") == "order 20261123000000000001"  # long non-ID numbers survive
