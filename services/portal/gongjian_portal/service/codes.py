"""SMS sign-in codes: issue (rate-limited), check, consume once.

Rules (issue 12): a code is valid 5 minutes (``code_ttl_s``), is used at most once, dies
after ``code_max_attempts`` wrong tries, and a phone gets a new one at most every
``resend_after_s`` and ``codes_per_phone_hour`` an hour; a client gets at most
``codes_per_client_hour``. Too many → 429 with Retry-After. Only keyed hashes are stored.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from gongjian_shared.localtime import now as current_time
from gongjian_shared.localtime import stored_utc
from gongjian_shared.problems import Problem
from gongjian_shared.ratelimit import too_many
from pymongo.errors import DuplicateKeyError

from ..adapters import ratelimit
from ..adapters.store import CODES
from ..domain.codes import keyed_hash, new_code


class Codes:
    def __init__(self, db: Any, settings: Any, sender: Any) -> None:
        self.db, self.settings, self.sender = db, settings, sender

    def phone_key(self, phone: str) -> str:
        return keyed_hash(self.settings.phone_key, "phone", phone)

    def _code_hash(self, phone: str, code: str) -> str:
        return keyed_hash(self.settings.phone_key, "code", phone, code)

    async def issue(self, phone: str, client: str) -> dict[str, int]:
        """Send a new code to ``phone``; {expires_in, resend_after} in seconds; 429 when too many."""
        s, key = self.settings, self.phone_key(phone)
        if wait := await ratelimit.hit(self.db, "sms-client", client, limit=s.codes_per_client_hour, window_s=3600):
            raise too_many(wait, "本设备获取验证码过于频繁")
        now = current_time()
        code = new_code()
        fields = {"code_hash": self._code_hash(phone, code), "sent_at": now, "attempts": 0,
                  "expires_at": now + timedelta(seconds=s.code_ttl_s)}
        # Atomic resend gate: replace only a code sent long enough ago; a fresh phone inserts.
        replaced = await self.db[CODES].update_one(
            {"_id": key, "sent_at": {"$lte": now - timedelta(seconds=s.resend_after_s)}}, {"$set": fields})
        if replaced.matched_count == 0:
            try:
                await self.db[CODES].insert_one({"_id": key, **fields})
            except DuplicateKeyError:
                raise too_many(await self._resend_wait(key, now), "验证码已发送") from None
        if wait := await ratelimit.hit(self.db, "sms-phone", key, limit=s.codes_per_phone_hour, window_s=3600):
            await self.db[CODES].delete_one({"_id": key, "code_hash": fields["code_hash"]})
            raise too_many(wait, "该手机号获取验证码过于频繁")
        minutes = max(1, s.code_ttl_s // 60)
        try:
            await self.sender.send_code(phone, code, s.sms_template.format(code=code, minutes=minutes))
        except Exception:
            # Not sent: no code to wait for, so the person may ask again at once.
            await self.db[CODES].delete_one({"_id": key, "code_hash": fields["code_hash"]})
            raise
        return {"expires_in": s.code_ttl_s, "resend_after": s.resend_after_s}

    async def _resend_wait(self, key: str, now: datetime) -> int:
        doc = await self.db[CODES].find_one({"_id": key}, {"sent_at": 1})
        sent = stored_utc(doc["sent_at"]) if doc else now
        return max(1, int(self.settings.resend_after_s - (now - sent).total_seconds()) + 1)

    def _valid(self, phone: str, code: str) -> dict[str, Any]:
        return {"_id": self.phone_key(phone), "code_hash": self._code_hash(phone, code.strip()),
                "expires_at": {"$gt": current_time()}, "attempts": {"$lt": self.settings.code_max_attempts}}

    async def check(self, phone: str, code: str) -> None:
        """401 unless ``code`` is the phone's live code; a wrong try counts against it."""
        if await self.db[CODES].find_one(self._valid(phone, code), {"_id": 1}):
            return
        await self.db[CODES].update_one({"_id": self.phone_key(phone)}, {"$inc": {"attempts": 1}})
        raise Problem(401, "验证码错误或已过期，请重新获取 (wrong, expired or used code)", code="bad-code")

    async def consume(self, phone: str, code: str) -> None:
        """Use the code up (atomically: of two sign-ins with one code, one wins); 401 if gone."""
        if await self.db[CODES].find_one_and_delete(self._valid(phone, code)) is None:
            raise Problem(401, "验证码错误或已过期，请重新获取 (wrong, expired or used code)", code="bad-code")
