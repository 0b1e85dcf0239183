"""Which language a text is in: German or English, by function words and umlauts."""

import re
from typing import Literal

Lang = Literal["de", "en"]

_GERMAN = set(
    "der die das und ist nicht wir ein eine einen dem den des zu mit auf für von sich auch "
    "es sind wird werden haben hat gibt kein keine keinen noch aber oder wie was wer uns unser "
    "unsere im ins bei nach über mehr man sie ich du dass schon nur sehr dann wenn weil "
    "strategie unternehmen soziale medien bitte starten beginnen machen durchführen "
    # short German messages full of English marketing words ("hilfe, chef will social media"):
    "hilfe chef chefin mein meine meinen mir mich muss müssen soll sollen sollte sollten kann können "
    "brauchen brauche jetzt mal doch denn warum wieso welche welchen welcher beispiel fange anfangen "
    "hallo danke ja nein zum zur um alles immer jede jeder jedes firma "
    # the verbs of short questions ("Was bedeutet Bolt-On?", "Wie lange dauert das?")
    "bedeutet bedeuten heißt heisst meint eigentlich gehört bringt dauert".split()
)
# "Social Media" is no clue: German uses the English words ("Was bedeutet Bolt-On bei Social Media?"); nor is
# "will", German too ("der Chef will ...").
_ENGLISH = set(
    "the and is not we a an of to with on for from it are be have has there no any "
    "still but or how what who us our ours in at by after about more one they i you that "
    "already only very then when because do does strategy company".split()
)


def detect_language(text: str, default: Lang = "en") -> Lang:
    """German or English by function words and umlauts; the default decides a tie."""
    # a part of a hyphenated name is no clue: the "On" of "Bolt-On" is not English
    words = re.findall(r"(?<![\w-])[a-zäöüß]+(?![\w-])", text.lower())
    german = sum(word in _GERMAN for word in words) + 2 * len(re.findall(r"[äöüß]", text.lower()))
    english = sum(word in _ENGLISH for word in words)
    if german > english:
        return "de"
    if english > german:
        return "en"
    return default
