"""Checks password hashes with the reference implementations of their formats.

Reads {"format": ..., "hash": ..., "passwords": [...]} as JSON on stdin; prints one JSON
object: {"results": [bool, ...], "by": "<library> <version>"} with one verdict per password,
or {"missing": "<why>"} when this interpreter lacks the library (or a version of it that
knows the format). Nothing here reimplements a format: each verdict is the library's own.
"""
import json
import sys


def werkzeug(stored, passwords, needs_scrypt):
    import werkzeug
    from werkzeug import security

    version = getattr(werkzeug, "__version__", None)
    if version is None:
        from importlib.metadata import version as dist_version

        version = dist_version("werkzeug")
    if needs_scrypt:
        try:
            security.generate_password_hash("probe", "scrypt")
        except Exception:
            return None, f"Werkzeug {version} predates the scrypt method (added in 2.3)"
    return [security.check_password_hash(stored, p) for p in passwords], f"werkzeug.security.check_password_hash (Werkzeug {version})"


def django(stored, passwords):
    import django
    from django.conf import settings

    settings.configure(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"])
    from django.contrib.auth.hashers import check_password

    return [check_password(p, stored) for p in passwords], f"django.contrib.auth.hashers.check_password (Django {django.get_version()})"


def bcrypt_(stored, passwords):
    import bcrypt

    return [bcrypt.checkpw(p.encode("utf-8"), stored.encode("ascii")) for p in passwords], f"bcrypt.checkpw (bcrypt {bcrypt.__version__})"


def argon2_(stored, passwords):
    import argon2

    hasher = argon2.PasswordHasher()

    def check(p):
        try:
            return hasher.verify(stored, p)
        except argon2.exceptions.VerifyMismatchError:
            return False

    return [check(p) for p in passwords], f"argon2.PasswordHasher().verify (argon2-cffi {argon2.__version__})"


VERIFIERS = {
    "werkzeug-scrypt": lambda h, ps: werkzeug(h, ps, True),
    "werkzeug-pbkdf2-sha256": lambda h, ps: werkzeug(h, ps, False),
    "django-pbkdf2-sha256": django,
    "bcrypt": bcrypt_,
    "argon2id": argon2_,
}

request = json.load(sys.stdin)
try:
    results, by = VERIFIERS[request["format"]](request["hash"], request["passwords"])
except ImportError as err:
    results, by = None, f"{sys.executable} has no {err.name}"
print(json.dumps({"results": results, "by": by} if results is not None else {"missing": by}))
