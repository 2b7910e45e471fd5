"""The `legation` command: Django's management commands with legation's settings selected."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legation.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "legation"
    if len(argv) == 1:
        argv.append("help")
    if argv[1] == "demo":
        # The demo serves plain HTTP on the loopback address: cookies cannot be "secure" there.
        os.environ.setdefault("LEGATION_SECURE_COOKIES", "0")
    if argv[1] == "serve" and "--plain-http" in argv[2:]:
        # The operator's switch for plain HTTP on a private network, read with the settings.
        os.environ["LEGATION_PLAIN_HTTP"] = "1"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
