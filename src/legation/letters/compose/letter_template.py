"""Letter template files: a small front matter, then the body in light Markdown with placeholders.

::

    ---
    name: farewell
    language: en
    kind: farewell
    subject: Farewell from {{ sender.title }} {{ sender.name }}
    closing: Sincerely,
    ---
    I am writing to bid farewell to you ...

Front matter keys: ``name`` (defaults to the file name), ``language`` (en or zh), ``kind`` (one
of ``KINDS``), ``subject`` (the email subject and the engagement's subject), ``closing`` (the
complimentary close; several lines separated by " / "; ``none`` for no close; without the key,
the close of ``closing.complimentary_close``), ``inside_address`` (yes to print the
recipient's address block above the salutation). Anything else is an error, so a typo is not
silently ignored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import pgettext_lazy

from legation.letters.compose.jinja_filters import LANGUAGES
from legation.letters.compose.sandbox import LetterSandbox, LetterTemplateError

KINDS = ("farewell", "greeting", "invitation", "thanks", "condolence", "other")
#: how the pages name each kind (the front matter keeps the English word)
KIND_LABELS = {
    "farewell": pgettext_lazy("letter kind", "farewell"),
    "greeting": pgettext_lazy("letter kind", "greeting"),
    "invitation": pgettext_lazy("letter kind", "invitation"),
    "thanks": pgettext_lazy("letter kind", "thanks"),
    "condolence": pgettext_lazy("letter kind", "condolence"),
    "other": pgettext_lazy("letter kind", "other"),
}
DEFAULT_DIR = Path(__file__).resolve().parent / "templates_default"
SUFFIX = ".md"
MAX_TEMPLATE_BYTES = 64 * 1024
_KEYS = {"name", "language", "kind", "subject", "closing", "inside_address"}


@dataclass(frozen=True)
class LetterTemplate:
    name: str
    language: str
    kind: str
    body: str
    subject: str = ""
    closing: tuple[str, ...] = ()
    closing_set: bool = False  # the front matter says the close ("none": no close at all)
    inside_address: bool = False
    path: str = ""
    checksum: str = field(default="", compare=False)
    source: str = field(default="", compare=False, repr=False)

    @property
    def label(self) -> str:
        """How the template is named in records and manifests: "farewell.en"."""
        return f"{self.name}.{self.language}"


def parse_template(text: str, *, default_name: str = "letter", path: str = "") -> LetterTemplate:
    """Read a template's text; every problem is a ``LetterTemplateError`` naming the line."""
    if len(text.encode("utf-8")) > MAX_TEMPLATE_BYTES:
        raise LetterTemplateError(f"{path or 'template'}: larger than {MAX_TEMPLATE_BYTES} bytes.")
    where = path or default_name
    meta: dict[str, str] = {}
    body = text
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":
        try:
            end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
        except StopIteration:
            raise LetterTemplateError(f"{where}: the front matter has no closing '---'.") from None
        for number, line in enumerate(lines[1:end], 2):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, sep, value = line.partition(":")
            key = key.strip().lower()
            if not sep or key not in _KEYS:
                raise LetterTemplateError(
                    f"{where}, line {number}: unknown front matter {line.strip()!r} "
                    f"(known keys: {', '.join(sorted(_KEYS))})."
                )
            meta[key] = value.strip()
        body = "\n".join(lines[end + 1 :]).strip("\n") + "\n"
    language = meta.get("language", "en").lower()
    if language not in LANGUAGES:
        raise LetterTemplateError(f"{where}: language must be one of {', '.join(LANGUAGES)}.")
    kind = meta.get("kind", "other").lower()
    if kind not in KINDS:
        raise LetterTemplateError(f"{where}: kind must be one of {', '.join(KINDS)}.")
    template = LetterTemplate(
        name=meta.get("name") or default_name,
        language=language,
        kind=kind,
        body=body,
        subject=meta.get("subject", ""),
        closing=()
        if meta.get("closing", "").strip().lower() == "none"
        else tuple(p.strip() for p in meta.get("closing", "").split(" / ") if p.strip()),
        closing_set="closing" in meta,
        inside_address=meta.get("inside_address", "").lower() in {"yes", "true", "1"},
        path=path,
        checksum=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        source=text,
    )
    env = LetterSandbox()
    for part, label in [(template.body, "body"), (template.subject, "subject")] + [
        (c, "closing") for c in template.closing
    ]:
        env.check(part, f"{where} ({label})")
    return template


def load_template(path: Path) -> LetterTemplate:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LetterTemplateError(f"cannot read {path}: {exc.strerror}.") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise LetterTemplateError(f"{path}: not UTF-8 text.") from None
    stem = path.name.removesuffix(SUFFIX).split(".")[0]
    return parse_template(text, default_name=stem, path=str(path))


def find_template(
    spec: str, *, language: str | None = None, dirs: list[Path] | None = None
) -> LetterTemplate:
    """A template from a file path, or by name ("farewell", "farewell.zh") from the template dirs.

    The mission's own folder (``dirs``, searched first) may override a shipped template by name.
    """
    path = Path(spec).expanduser()
    if path.suffix and path.is_file():
        return load_template(path)
    name, _, lang = spec.partition(".")
    lang = (lang or language or "en").lower()
    for folder in [*(dirs or []), DEFAULT_DIR]:
        candidate = folder / f"{name}.{lang}{SUFFIX}"
        if candidate.is_file():
            return load_template(candidate)
    known = ", ".join(t.label for t in available_templates(dirs)) or "none"
    raise LetterTemplateError(f"No template {spec!r} in {lang}; known templates: {known}.")


def available_templates(dirs: list[Path] | None = None) -> list[LetterTemplate]:
    seen: dict[str, LetterTemplate] = {}
    for folder in [*(dirs or []), DEFAULT_DIR]:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob(f"*{SUFFIX}")):
            try:
                template = load_template(path)
            except LetterTemplateError:
                continue
            seen.setdefault(template.label, template)
    return sorted(seen.values(), key=lambda t: t.label)
