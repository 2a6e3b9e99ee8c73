"""Limits on staff password sign-in (OWASP Authentication Cheat Sheet, "Account lockout").

- Per client address: every attempt counts, ``passwords_per_client_hour`` an hour from the
  first (one client guessing many accounts, or one account very fast).
- Per username: only FAILED attempts count. More than ``password_failures_per_user`` within
  ``password_lock_minutes`` of the first lock the username until that window ends; a successful
  sign-in clears the count, so the owner's own sign-ins never lock the account.
Each attempt is counted against the username BEFORE the password is checked and the count is
cleared when it was right: parallel guesses cannot all slip past a read-then-count check, and
whoever sends them gets at most the limit of verdicts. While locked the password is not checked
(a right guess must not be told apart). Usernames and addresses are stored only as keyed hashes.
Too many → 429 problem+json with Retry-After (seconds) and the wait in minutes in ``detail``.
"""

from __future__ import annotations

from typing import Any

from gongjian_shared.ratelimit import too_many

from ..adapters import ratelimit
from ..domain.codes import keyed_hash

CLIENT, USER = "pw-client", "pw-user-failures"


class SignInGuard:
    def __init__(self, db: Any, settings: Any) -> None:
        self.db, self.settings = db, settings

    def _key(self, kind: str, value: str) -> str:
        return keyed_hash(self.settings.phone_key, kind, value)

    async def admit(self, client: str, username: str) -> None:
        """Count the attempt for ``client`` and, as a failure until it succeeds, for ``username``;
        Problem 429 when either is over its limit."""
        n, wait = await ratelimit.count(self.db, CLIENT, self._key("client", client), window_s=3600)
        if n > self.settings.passwords_per_client_hour:
            raise too_many(wait, "本设备登录尝试过于频繁")
        n, wait = await ratelimit.count(self.db, USER, self._key("username", username),
                                        window_s=self.settings.password_lock_minutes * 60)
        if n > self.settings.password_failures_per_user:
            raise too_many(wait, "该账号密码错误次数过多，已暂时锁定")

    async def succeeded(self, username: str) -> None:
        """The password was right: the attempt was no failure, and earlier failures are forgotten."""
        await ratelimit.clear(self.db, USER, self._key("username", username))
