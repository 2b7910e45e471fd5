"""The complimentary close of a letter, by the template's kind and the recipient's rank.

A template's front matter may say the close (``closing: Respectfully, / Qin Gang``, or
``closing: none`` for none); without it the close comes from this table (docs/letters.md, "The
complimentary close"). Chinese letters close 此致 / 敬礼！ whatever the kind and rank.

English, in order:

1. a formal kind (farewell, invitation, condolence, other) to a recipient addressed as Excellency
   (a serving head of state or government, national minister or cabinet secretary, foreign
   ambassador; never a state's secretary),
   Majesty or Royal Highness: the diplomatic formula "Please accept, Excellency, the assurances
   of my highest consideration." ("Your Majesty", "Your Royal Highness");
2. a greeting: "With warm regards,";
3. a condolence: "With deepest sympathy,";
4. otherwise the host country's usage: "Sincerely," in the United States; elsewhere "Yours
   sincerely," to a person named in the salutation and "Yours faithfully," to "Dear Sir or
   Madam,".

Nothing here reads the database: the renderer process composes the letter with it.
"""

from __future__ import annotations

FORMAL_KINDS = frozenset({"farewell", "invitation", "condolence", "other"})
CLOSE_ZH = ("此致", "敬礼！")
_VOCATIVE = {
    "excellency": "Excellency",
    "majesty": "Your Majesty",
    "royal-highness": "Your Royal Highness",
}


def complimentary_close(
    kind: str, language: str, *, rank: str = "", host_country: str = "", salutation: str = ""
) -> list[str]:
    """The close's lines (see the module docstring)."""
    if language == "zh":
        return list(CLOSE_ZH)
    if kind in FORMAL_KINDS and rank in _VOCATIVE:
        return [f"Please accept, {_VOCATIVE[rank]}, the assurances of my highest consideration."]
    if kind == "greeting":
        return ["With warm regards,"]
    if kind == "condolence":
        return ["With deepest sympathy,"]
    if (host_country or "US").upper() == "US":
        return ["Sincerely,"]
    if salutation.strip().startswith("Dear Sir or Madam"):
        return ["Yours faithfully,"]
    return ["Yours sincerely,"]
