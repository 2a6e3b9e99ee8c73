"""The `gongjian token` command prints a token the services accept."""

from gongjian_local.cli import main
from gongjian_shared.auth import decode_token
from gongjian_shared.settings import DEV_JWT_SECRET


def test_token_command_prints_a_signed_token(capsys):
    assert main(["token", "--role", "district_admin", "--place", "district-a,district-b", "--sub", "u1"]) == 0
    principal = decode_token(DEV_JWT_SECRET, capsys.readouterr().out.strip())
    assert principal.role == "district_admin" and principal.places == ["district-a", "district-b"]
    assert principal.sub == "u1"
