"""Print a fresh local .env: new random keys, everything else at its default (see .env.example).

Used once by `make run`; the file is kept afterwards so data encrypted with the key stays readable.
"""

import secrets

from cryptography.fernet import Fernet


def render() -> str:
    return (
        "# Written by `make run` for this machine only. See .env.example for every variable.\n"
        f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
        f"CREDENTIALS_KEYS={Fernet.generate_key().decode()}\n"
    )


if __name__ == "__main__":
    print(render(), end="")
