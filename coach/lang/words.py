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

CORRECTION = re.compile(
    r"^\W*(actually|correction|to correct|i was wrong|sorry,? i meant|update:|eigentlich|korrektur|"
    r"ich korrigiere|stimmt nicht|ich meinte|nachtrag|inzwischen)\b",
    re.IGNORECASE,
)

QUESTION_START = re.compile(
    r"^\W*(what|why|how|which|who|can you|could you|is it|does|do you|explain|was|warum|wieso|weshalb|wie|"
    r"welche|wer|können sie|kannst du|erklär)\b",
    re.IGNORECASE,
)
