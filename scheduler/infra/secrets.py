"""Channel credentials at rest: encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from the
`cryptography` package), with a key derived from SECRET_KEY. A database dump alone reveals no token;
changing SECRET_KEY makes stored credentials unreadable, and the accounts page asks to reconnect."""

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken

_PURPOSE = b"refrain channel credentials v1"


class UnreadableSecrets(ValueError):
    pass


def _fernet(secret_key: str) -> Fernet:
    key = hashlib.pbkdf2_hmac("sha256", secret_key.encode("utf-8"), _PURPOSE, 100_000)
    return Fernet(base64.urlsafe_b64encode(key))


_cache: dict[str, Fernet] = {}


def fernet(secret_key: str) -> Fernet:
    if secret_key not in _cache:
        _cache.clear()
        _cache[secret_key] = _fernet(secret_key)
    return _cache[secret_key]


def seal(values: dict, secret_key: str) -> str:
    return (
        fernet(secret_key).encrypt(json.dumps(values, sort_keys=True).encode("utf-8")).decode("ascii") if values else ""
    )


def unseal(token: str, secret_key: str) -> dict:
    if not token:
        return {}
    try:
        return json.loads(fernet(secret_key).decrypt(token.encode("ascii")))
    except (InvalidToken, ValueError):
        raise UnreadableSecrets(
            "the stored credentials cannot be read with this SECRET_KEY; reconnect the account"
        ) from None
