"""The words of intents in both languages: asking for the summary, not knowing, correcting, asking back,
starting the diagnostic. The clause grammar the scorer reads (plans, past states, negation) is in
`coach.readiness.clauses`."""

import re

START_REQUEST = re.compile(
    r"\b(start|begin|run|do|launch)\b.{0,20}\b(diagnos\w*|assessment|check)\b|^\W*(diagnos\w*|assess)\W*$|"
    r"\b(diagnose|analyse|check)\b.{0,12}\b(starten|beginnen|machen|durchführen)\b|"
    r"\b(find|what is|what's|which is) (our|my) (readiness )?stage\b|\bwelche (reife)?stufe\b",
    re.IGNORECASE,
)

STRATEGY_REQUEST = re.compile(
    r"\b(check|review|rate|assess|evaluate)\b.{0,12}\b(my|our|this|the)?\s*(social media )?(strategy|plan|paper)\b|"
    r"\bstrategy[- ]check\b|\bstrategie[- ]?check\b|"
    r"\b(strategie|plan|papier|konzept)\w*\b.{0,12}\b(prüfen|checken|bewerten)\b|"
    r"\b(prüf|prüfe|check|bewerte)\w*\b.{0,20}\b(strategie|plan|papier|konzept)\w*\b|"
    r"^\W*(check it|prüfen|jetzt prüfen)\W*$",
    re.IGNORECASE,
)
"""Asking for the strategy check ("Check my strategy", "Strategie prüfen", "Check it" after the offer)."""

SUMMARY_REQUEST = re.compile(
    r"^\W*(summary|summarize|summarise|result|results|show (me )?the result|finish|done|that's all|stop|"
    r"zusammenfassung|zusammenfassen|ergebnis|auswertung|fertig|das war's|das wars|schluss|beenden)\W*$",
    re.IGNORECASE,
)

DONT_KNOW = re.compile(
    r"^\W*(i )?(don't|dont|do not) know\W*$|^\W*(not sure|no idea|unsure|skip|pass|dunno|n/a|"
    r"weiß (ich )?nicht|weiss (ich )?nicht|keine ahnung|unsicher|überspringen|k\. ?a\.)\W*$",
    re.IGNORECASE,
)

_NO_WORDS = r"no|nope|nah|not really|not at all|never|rarely|nein|nö|nee|eher nicht|gar nicht|nie|kaum|selten"
_YES_WORDS = r"yes|yeah|yep|yup|sure|of course|sometimes|ja|jap|klar|genau|natürlich|doch|schon|manchmal|teilweise"
_FILLER = (
    r"actually|really|not|at all|indeed|definitely|absolutely|i think|i guess|so far|unfortunately|"
    r"eigentlich|wirklich|nicht|eher|leider|schon|so|doch|gar|bisher|glaube ich|denke ich|ja|nein|yes|no"
)
_HEDGE = r"actually|honestly|to be honest|eigentlich|ehrlich gesagt"
BARE_NO = re.compile(rf"^\W*(({_HEDGE})\W+)?({_NO_WORDS}|not|nicht)(\W+({_FILLER}))*\W*$", re.IGNORECASE)
BARE_YES = re.compile(rf"^\W*(({_HEDGE})\W+)?({_YES_WORDS})(\W+({_FILLER}))*\W*$", re.IGNORECASE)
"""A bare yes or no ("Nein, eigentlich nicht.", "yes"), hedged or not ("Eigentlich nicht.", "Actually, yes."):
an answer only to the question it follows."""
HEDGED = re.compile(rf"^\W*({_HEDGE})\b", re.IGNORECASE)
"""A message that opens with "actually" / "eigentlich": a bare yes or no that does so answers a yes-or-no
question, and otherwise reads as taking something back."""

_CLOSING = (
    r"that's all|that is all|that's it|nothing( else| more)?( to add)?|all good|all fine|fine|"
    r"nichts( mehr| weiter)?( zu ergänzen)?|das war's|das wars|das ist alles|passt( so)?|alles (gut|klar)|"
    r"thanks|thank you|danke"
)
NOTHING_TO_ADD = re.compile(
    rf"^\W*((actually|eigentlich)\W+)?({_NO_WORDS}|nicht|{_CLOSING})(\W+({_FILLER}|{_CLOSING}))*\W*$", re.IGNORECASE
)
"""After the summary, nothing to add ("Nein, eigentlich nicht.", "no, that's all", "passt so"): no correction
and no statement, whatever its lead-in."""

CORRECTION = re.compile(
    r"^\W*((no|nope|nein|nee|doch)\W+)?"
    r"(actually|correction|to correct|let me correct|i was wrong|that's wrong|that is wrong|not quite|"
    r"sorry,? i meant|i meant|update:|eigentlich|korrektur|ich korrigiere|stimmt nicht|stimmt so nicht|"
    r"das stimmt nicht|ich meinte|nachtrag|inzwischen|falsch)\b\W*",
    re.IGNORECASE,
)

QUESTION_START = re.compile(
    r"^\W*(what|what's|why|how|which|who|when|where|can|could|should|would|is|are|does|do|did|explain|"
    r"was|warum|wieso|weshalb|wie|welche[rsmn]?|wer|wann|wo|können|kannst|könnten|sollte[n]?|soll|muss|müssen|"
    r"ist|sind|gibt|braucht|brauchen|hat|haben|erklär\w*)\b",
    re.IGNORECASE,
)

# A lead-in that announces a question in between: what follows is asked, not answered.
QUESTION_LEAD_IN = re.compile(
    r"^\W*(quick question( first)?|one question|a question|short question|question|by the way|btw|before i answer|"
    r"kurze (zwischen)?frage|zwischenfrage|noch eine frage|eine frage( vorab)?|frage vorab|vorab|übrigens|"
    r"mal eine frage|nebenbei)\b\W*",
    re.IGNORECASE,
)

# A correction that names a quick reply by its number or place ("Korrektur: bei den Rollen eher 2", "actually,
# for budget it's option 2", "eigentlich die zweite Antwort"): the number, the words that may stand around it,
# and the dimension's words (`words` in knowledge/readiness.yaml); a message with any other word is read as a
# statement instead.
REPLY_NUMBERS = {
    **{str(number): number for number in range(1, 5)},
    **dict.fromkeys(("one", "first", "eins", "erste", "ersten", "erster", "erstes"), 1),
    **dict.fromkeys(("two", "second", "zwei", "zweite", "zweiten", "zweiter", "zweites"), 2),
    **dict.fromkeys(("three", "third", "drei", "dritte", "dritten", "dritter", "drittes"), 3),
    **dict.fromkeys(("four", "fourth", "vier", "vierte", "vierten", "vierter", "viertes"), 4),
}
REFERENCE_WORDS = frozenset(
    "for the it's its it is was should be rather i meant mean pick take choose instead option answer reply "
    "one choice number no nr question on about with my to that's then please quick actually correction "
    "bei den der die das dem des zu zur zum für eher lieber doch war wäre ist es bitte antwort nummer "
    "punkt auswahl frage ich meinte nehme wähle meine mein stattdessen statt vielmehr dann also eigentlich "
    "korrektur schnellantwort möglichkeit".split()
)
