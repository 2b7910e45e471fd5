"""The password hasher of the test process: Argon2 as in production, at the lowest cost.

Production hashes with Argon2 at Django's parameters (100 MB, about 0.4 s a hash on the test
machine); the suite creates and logs in thousands of users, and that alone was a large share
of its time. The hashes stay Argon2 hashes (their parameters are written into each one), so a
server started by a test with the production settings verifies them too."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 64  # KiB
    parallelism = 1
