"""Child process of test_encryption: encrypts or decrypts a database and is killed (SIGKILL) at one
step, or runs until a timer the parent set kills it.

    python -m tests.db.encrypt_child encrypt|decrypt DB_PATH USER PASSWORD STEP

STEP is one of services.encryption.STEPS (the process kills itself when it gets there), "inside-copy"
(killed while SQLCipher writes the copy) or "none" (runs to the end; the parent may kill it at any time).
The argon2 parameters are made cheap, as in the other tests.
"""

from __future__ import annotations

import os
import signal
import sys


def cheap_kdf() -> None:
    from argon2 import PasswordHasher

    from branchdesk.db import crypto
    from branchdesk.services import auth

    crypto.KdfParams.passwords = classmethod(lambda cls: cls(1, 1024, 1))
    auth.default_hasher = lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def main() -> None:
    action, path, user, password, step = sys.argv[1:6]
    cheap_kdf()
    from branchdesk.config import resolve_location
    from branchdesk.db import crypto
    from branchdesk.db.migrate import open_database
    from branchdesk.services import encryption

    location = resolve_location(path)

    def die() -> None:
        sys.stdout.write("dying\n")
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)

    def on_step(name: str) -> None:
        sys.stdout.write(f"step {name}\n")
        sys.stdout.flush()
        if name == step:
            die()

    if step == "inside-copy":  # killed in the middle of writing the copy (after its first pages)
        real_export = crypto.export

        def export(source, dest, key, **kw):
            import threading

            def watch() -> None:
                while True:
                    if os.path.exists(dest) and os.path.getsize(dest) > 4096:
                        die()

            threading.Thread(target=watch, daemon=True).start()
            real_export(source, dest, key, **kw)
            die()  # the copy was too small to catch in the act: die right after it

        crypto.export = export
    if action == "decrypt":
        gate = encryption.Gate(location)
        gate.sign_in(user, password)
        db = gate.db
    else:
        db, _ = open_database(location)
    run = encryption.encrypt if action == "encrypt" else encryption.decrypt
    run(location, db, user, password, on_step=on_step)
    sys.stdout.write("done\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
