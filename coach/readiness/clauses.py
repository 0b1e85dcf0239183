"""How a sentence is read before any comparison: its clauses, and what each one's wording says.

Embeddings barely see "not", "we used to" or "we'd love to", so the wording decides: whether a clause
is negated (counting double and listed negations, and freedoms such as "nobody has to ask"), a plan or
wish, a past state, a question, "I don't know", or about someone's private account.
"""

import re
from dataclasses import dataclass, replace

MIN_WORDS = 3
"""Parts of a sentence shorter than this are joined to a neighbour."""

# German "planen" is an intention with a zu-infinitive ("wir planen, einen Kanal zu eröffnen") and
# "geplant" with a form of "sein" ("ein Relaunch ist geplant"); "Themen werden monatlich geplant" and
# "Kunden planen ihre Häuser mit" are practices.
_GERMAN_PLAN = re.compile(
    r"\bplan(?:en|t|e)\b.*\b(?:zu \w+|\w+zu\w+en)\b|\b(?:ist|sind|war|waren)\b(?:\s+\w+){0,5}\s+geplant\b|^geplant\b",
    re.IGNORECASE,
)
_ASPIRATION = re.compile(
    r"\b(would (?:like|love)|'d (?:like|love)|wants? to|wish|hop(?:e|es|ing)|plan(?:s|ned|ning)? to|"
    r"(?:are|is|am) going to|intend|aim(?:s|ing)? to|one day|some ?day|in the future|next year|"
    r"eventually|ideally|dream|considering|thinking about|supposed to|should|would be (?:nice|great)|"
    r"announced|suggested|proposed|pilot\w*|trial|"
    r"möchte\w*|würde\w* (?:gern|gerne)|gerne? h[äa]tten|wollen|will|wollte\w*|"
    r"vorhaben|hoff\w*|irgendwann|eines tages|künftig|zukünftig|in zukunft|nächste[ns]? jahr|"
    r"demnächst|träum\w*|wünsch\w*|sollte\w*|angekündigt|kündigte\w*|vorgeschlagen|überleg\w*|"
    r"wäre (?:schön|toll))\b",
    re.IGNORECASE,
)
# Past states ("we used to", "früher") describe the company as it was, not as it is. A time ago
# ("three years ago", "vor fünf Jahren") marks one only with a verb of state in the same language
# ("had", "hatten", "gab"): "die Strategie wurde vor drei Jahren neu ausgerichtet" is an event whose
# result holds.
_PAST = re.compile(
    r"\b(?:used to|previously|formerly|originally|in the past|back then|"
    r"früher|damals|ehemals|einst|ursprünglich|bis vor|once had|at one point|"
    r"(?:hatten?|gab es|es gab|war|waren) (?:\w+ )?(?:mal|einmal))\b",
    re.IGNORECASE,
)
_AGO_AND_STATE_VERB = tuple(
    (re.compile(ago, re.IGNORECASE), re.compile(verb, re.IGNORECASE))
    for ago, verb in (
        (
            r"\b(?:(?:years?|months?|decades?|a while) ago|back in (?:the )?(?:19|20)\d\ds?|"
            r"until (?:\w+ ){0,2}(?:(?:19|20)\d\d|recently|last \w+))\b",
            r"\b(?:had|was|were|ran|did|handled|managed|looked after|would(?:n't| not)?|could(?:n't| not)?|"
            r"had to|died|fizzled|folded|shut down|closed down|abandoned)\b",
        ),
        (
            r"\b(?:vor (?:\w+ ){0,2}(?:jahren|jahr|monaten|jahrzehnten)|"
            r"bis (?:\w+\.? ){0,2}(?:(?:19|20)\d\d|letzte[ns]? \w+))\b",
            r"\b(?:hatten?|war|waren|gab|lief|liefen|machte|machten|kümmerte|betreute|"
            r"musste|mussten|durfte|durften|konnte|konnten)\b",
        ),
    )
)
_STILL = re.compile(r"\b(?:still|noch)\b", re.IGNORECASE)
# A time in the past that opens a sentence as a clause of its own ("Fifteen years ago, the board
# wouldn't…", "Vor fünf Jahren: …") sets the whole sentence in the past.
_PAST_FRAME = re.compile(
    r"^\W*(?:(?:some |about |around |over |more than |rund |etwa |gut )?(?:\w+ )?"
    r"(?:years?|decades?|jahren?|jahrzehnten?)(?: ago)?|back in (?:the )?(?:19|20)\d\ds?|"
    r"(?:im jahr |anno )?(?:19|20)\d\d|vor (?:\w+ ){0,2}(?:jahren|jahrzehnten))\W*$",
    re.IGNORECASE,
)
# Wondering aloud ("I wonder whether…", "Ich frage mich, ob…") asks, it does not tell.
_WONDERING = re.compile(
    r"^\W*(?:(?:and |but |und |aber )?(?:i|we) (?:sometimes |often |really )?wonder\b|"
    r"(?:und |aber )?(?:ich frage mich|wir fragen uns)\b)",
    re.IGNORECASE,
)
# Something that ended ("…, but it died within months", "ist wieder eingeschlafen") puts its sentence in the past.
_ENDED = re.compile(
    r"\b(?:died|fizzled out|petered out|was (?:shut|closed) down|was abandoned|"
    r"(?:ist|sind|war|waren) (?:\w+ ){0,2}(?:eingeschlafen|eingestellt|aufgegeben))\b",
    re.IGNORECASE,
)
# A short clause that only points back at the one before ("aber das ist noch nicht entschieden",
# "but that's not decided yet") says what that one says: a plan stays a plan, a past state stays past.
_POINTS_BACK = re.compile(r"^\W*(?:(?:but|and|aber|und|doch)\s+)?(?:das|dies|that|this|it)\b", re.IGNORECASE)
POINTS_BACK_MAX_WORDS = 7
# What turns a sentence from a past state back to today: a contrast or a word for the present.
_TURN_TO_TODAY = re.compile(
    r"\b(?:but|however|although|though|whereas|yet|now|today|nowadays|these days|currently|since then|"
    r"aber|doch|jedoch|allerdings|sondern|heute|jetzt|nun|inzwischen|mittlerweile|aktuell|derzeit|seitdem|seither)\b",
    re.IGNORECASE,
)
# "Judged on retention, not likes": a "not" that only sets off a contrast at the end of a clause.
_CONTRAST_TAIL = re.compile(r",\s*(?:not|nicht)\b[^,;]{0,40}$", re.IGNORECASE)
# A German relative pronoun, after a preposition or not ("das wir", "für den", "bei der"); also
# English "for which". A comma before one opens a relative clause, not a new list item.
_PREPOSITION = r"(?:for|with|in|on|at|by|to|of|from|für|mit|bei|an|auf|von|zu|über|unter|nach|aus|um|vor)"
_RELATIVE_PRONOUN = r"(?:der|die|das|dem|den|denen|deren|dessen)"
# What lies between two negations that list missing things ("no budget, no tools", "kein Profil und
# keinen Kanal", "we're not on it – not a cent"): a coordinator or a break, and no relative or
# subordinate clause ("no team that isn't", "kein Thema, das wir nicht", "keinen Kanal, für den nicht").
_LISTED = re.compile(
    r"(?=.*(?:[,;–—]|\b(?:and|or|nor|so|und|oder|noch|sowie)\b))"
    r"(?!.*\b(?:that|which|who|whom|unless|if|dass|wenn|falls|außer)\b)"
    rf"(?!.*,\s*(?:{_PREPOSITION}\s+)?{_RELATIVE_PRONOUN}\b)"
    r".*",
    re.IGNORECASE | re.DOTALL,
)
# "Without" opens a clause of its own ("kein Post geht raus, ohne dass das Team ihn kennt"): it never
# continues a list of missing things, so it always counts as a negation of its own.
_WITHOUT = re.compile(r"without|ohne", re.IGNORECASE)
# A negated obligation, prohibition or hesitation states a freedom, a practice: "nobody has to ask
# permission", "posten ohne Freigabe", "niemand muss fragen", "nothing is off limits", "kein Thema ist
# tabu", "nobody thinks twice about an engineer answering customers".
# Such a negation does not turn the clause around.
_PERMISSION = (
    r"(?:any |an |a )?(?:permission|approval|pre-approval|sign-?off|clearance|"
    r"\w*freigabe|rückfrage|erlaubnis|genehmigung)"
)
_FORBIDDEN = r"(?:off[- ]limits|off the table|taboo|forbidden|tabu|verboten)\b"
_FREEDOM = re.compile(
    r"\b(?:no one|nobody|noone|none of us|never|(?:do|does|did)(?:n't| not))\s+(?:\w+\s+)?"
    rf"(?:(?:has|have|had|needs?) to|must|needs? {_PERMISSION}|thinks? twice|hesitates?)\b"
    rf"|\bwithout\s+(?:\w+\s+)?(?:asking|{_PERMISSION})"
    rf"|\bohne\s+(?:\w+\s+)?(?:zu fragen|fragen zu müssen|dass \w+ (?:\w+ )?(?:absegnet|freigibt)|{_PERMISSION})"
    r"|\b(?:niemand|keiner)\s+(?:\w+\s+)?(?:muss|müssen|braucht|zögert)\b"
    r"|\b(?:muss|müssen)\s+(?:\w+\s+)?(?:niemand|keiner|nicht)\b"
    rf"|\bbrauch\w*\s+(?:\w+\s+)?(?:keine?|nicht)\s+{_PERMISSION}"
    rf"|\b(?:nothing|no (?:\w+ )?(?:topic|question|subject)s?)(?:\s+\w+){{0,3}}?\s+(?:is|are|was|were)\s+{_FORBIDDEN}"
    rf"|\b(?:nichts|kein\w* (?:\w+ )?(?:thema|themen|frage|fragen))(?:\s+\w+){{0,3}}?\s+(?:(?:ist|sind|war|waren)\s+)?"
    rf"{_FORBIDDEN}",
    re.IGNORECASE,
)
# Staff's private accounts are not the company's presence ("a few nurses share our job ads privately",
# "I have a personal insta, but that's just me", "my niece posts our cakes on her own Instagram").
# German "Personal" (staff) is no such word; "their own accounts" may be departments'.
_ACCOUNT = r"(?:accounts?|profiles?|pages?|insta\w*|facebook|tiktok|channels?|linkedin|feeds?)"
_PRIVATE = re.compile(
    rf"\b(?:privat\w*|private|privately|personal (?:\w+ )?{_ACCOUNT}|(?:his|her) own (?:\w+ )?{_ACCOUNT})\b",
    re.IGNORECASE,
)
# Departments or branches that do not (or may not) run accounts of their own ("the practice groups don't run their
# own pages", "Regional teams can't open their own accounts", "eigene Accounts haben sie nicht") are coordinated
# centrally: a practice of coordination, not a company without presence. Only in the third person: "wir haben keine
# eigenen Konten" is no presence at all.
_OWN_ACCOUNT = (
    rf"(?:{_ACCOUNT}|konten|konto|kanäle|kanal|seiten?|profile?|facebookseiten?|"
    r"\w+-?(?:accounts?|kanäle|kanal|seiten?))"
)
_NOT_THEIR_OWN = re.compile(
    r"\b(?:don't|doesn't|do not|does not|can't|cannot|can not|may not|mustn't|must not|never|no longer|"
    r"(?:are|is)(?:n't| not) allowed to)\s+(?:\w+\s+){0,2}(?:their|its) own\b"
    rf"|\bno (?:\w+ ){{0,2}}(?:has|have|runs?|opens?) (?:its|their) own\b"
    rf"|\beigene\w* (?:\w+ )?{_OWN_ACCOUNT}\b.*\b(?:nicht|keine\w*)\b"
    rf"|\bkeine\w* eigene\w* (?:\w+ )?{_OWN_ACCOUNT}\b"
    r"|\bkein\w* (?:\w+ ){0,2}(?:hat|haben|betreibt|betreiben|führt|führen) (?:\w+ )?eigene",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"\b(?:we|i|wir|ich)\b|\bour own\b|\bunser\w* eigen", re.IGNORECASE)
# What the leadership says or thinks of social media ("Der Seniorpartner sagt, …", "the board sees social
# media as …") is evidence of the culture, whatever platform or practice it names.
_LEADERS = (
    r"(?:chef\w*|geschäftsführ\w*|geschäftsleitung|unternehmensleitung|leitung|vorstand\w*|inhaber\w*|"
    r"(?:senior)?partner\w*|gesellschafter\w*|gründer\w*|aufsichtsrat|"
    r"boss|ceo|owners?|founders?|board|management|leadership|directors?|managing director|chair\w*|"
    r"(?:senior )?partners?|principal)"
)
_LEADERS_VIEW = re.compile(
    rf"^\W*(?:(?:der|die|das|unser\w*|mein\w*|our|the|my)\s+)?(?:\w+\s+){{0,2}}{_LEADERS}\s+(?:\w+\s+){{0,2}}"
    r"(?:sagt|sagen|meint|meinen|findet|finden|hält|halten|glaubt|glauben|sieht|sehen|nennt|nennen|"
    r"says|say|thinks|think|believes|believe|sees|see|considers|consider|calls|call|feels|feel|regards)\b",
    re.IGNORECASE,
)
# "I don't know", "keine Ahnung": the marketer says nothing about the company. Only a short clause:
# "we don't know what social media should achieve for us" is evidence (of unclear goals).
_UNSURE = re.compile(
    r"^\W*(?:(?:i|we)\s+)?(?:really\s+)?(?:don'?t|do not|can'?t|cannot)\s+(?:really\s+)?(?:know|say|tell)\b"
    r"|^\W*(?:not sure|no idea|dunno|keine ahnung|k\.\s?a\.)"
    r"|^\W*(?:(?:ich|wir)\s+)?wei(?:ß|ss)\s+(?:es|ich|das)?\s*(?:auch\s+|leider\s+)?nicht\b"
    r"|^\W*(?:das\s+)?wei(?:ß|ss)\s+ich\s+(?:auch\s+|leider\s+)?nicht\b"
    r"|^\W*(?:ich\s+)?(?:bin\s+)?(?:mir\s+)?(?:nicht\s+sicher|unsicher)\b",
    re.IGNORECASE,
)
UNSURE_MAX_WORDS = 5
_CONDITIONAL = re.compile(r"^(?:if|when|whenever|wenn|falls|sobald)\b", re.IGNORECASE)
_NOT_ONLY = re.compile(r"\b(?:not (?:only|just)|nicht nur)\b", re.IGNORECASE)
_NEGATION = re.compile(
    r"n't\b|\b(?:(?:do|does|did|is|are|was|have|has|had|ca|wo)nt|no|not|never|nobody|none|nothing|without|neither|nor|lacks?|lacking|hardly|"
    r"kein\w*|nicht|nich|nie|niemals|niemand\w*|nichts|nix|ohne|weder|fehl(?:t|en)|kaum|"
    # What nobody did, said in one word: "complaints sit unanswered", "Nachrichten bleiben ungelesen".
    r"un(?:answered|read|seen|noticed|checked)|unbeantwortet\w*|ungelesen\w*|unbemerkt\w*|unbeachtet\w*)\b",
    re.IGNORECASE,
)
# Where a sentence starts a new thought: strong punctuation, a contrast ("X, but Y"), or a
# conjunction after a comma ("..., and each shop posts what it wants"). A bare "and"/"und" or a
# particle "aber"/"doch" inside a clause usually joins one thought.
_CLAUSE_BREAK = re.compile(
    r"\s*[;:–—]\s+|\s+-\s+|,\s+(?:and|plus|but|yet|so|und|sowie|aber|doch|also)\s+|"
    r"\s+\b(?:but|however|although|though|whereas|jedoch|während|allerdings|obwohl|sondern)\b\s+",
    re.IGNORECASE,
)
# Inside a clause, bare commas separate list items ("no budget, no tools, no training"), but not a
# subordinate or relative clause from the clause it belongs to ("kein Produkt geht raus, ohne dass
# die Community es testet"; "no channel, for which nobody answers").
# Nor does a comma split off an apposition ("drei Kanäle, nämlich Instagram…"), a contrast at the end ("measured
# on business results, not likes") or an item of an enumeration of names ("Instagram, YouTube and Strava",
# "Reichweite, Klicks und Umsatz"): cut there, the parts lose what the clause says ("nicht an Likes" alone reads
# as "no presence").
_ENUMERATED = r"(?!(?:no|not|kein\w*|nicht|never|nie)\b)[\w-]+(?:\s+[\w-]+)?,?\s+(?:and|or|und|oder|sowie|&)\s"
_LIST_BREAK = re.compile(
    r",\s+(?!(?:without|ohne|that|which|who|whom|whose|where|because|unless|dass|weil|wo|wobei|"
    r"namely|such as|including|especially|mainly|nämlich|etwa|vor allem|insbesondere|darunter|"
    rf"(?:{_PREPOSITION}\s+)?(?:which|whom|{_RELATIVE_PRONOUN}))\b)"
    rf"(?!(?:not|nicht)\b[^,;]{{0,40}}$)(?!{_ENUMERATED})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Clause:
    """A part of a sentence that is read on its own, with what it inherits from its clause."""

    text: str
    negated: bool
    aspiration: bool
    past: bool = False
    private: bool = False
    view: bool = False
    """What the leadership says or thinks: read as the culture only."""
    central: bool = False
    """Departments run no accounts of their own: read as central coordination only."""

    @property
    def says_nothing(self) -> bool:
        """A question or "I don't know": nothing about the company, neither evidence nor a goal."""
        return is_unsure(self.text) or is_question(self.text)


def is_aspiration(clause: str) -> bool:
    """Plans, wishes and announcements: not what the company does today.

    A conditional ("when departments want to post, ...") describes a practice, not a wish.
    """
    wish = _ASPIRATION.search(clause) or _GERMAN_PLAN.search(clause)
    return bool(wish) and not _CONDITIONAL.search(clause)


def is_past(clause: str) -> bool:
    """A state the company has left behind: neither evidence nor a goal.

    A time ago with "still" ("ten years ago an agency still ran our page", "vor zehn Jahren hat noch eine
    Agentur…") is a past state whatever its verb.
    """
    if _PAST.search(clause):
        return True
    if _STILL.search(clause) and any(ago.search(clause) for ago, _ in _AGO_AND_STATE_VERB):
        return True
    return any(ago.search(clause) and verb.search(clause) for ago, verb in _AGO_AND_STATE_VERB)


def is_unsure(clause: str) -> bool:
    """The clause only says that the marketer does not know: no evidence either way."""
    return len(clause.split()) <= UNSURE_MAX_WORDS and bool(_UNSURE.search(clause))


def is_question(clause: str) -> bool:
    """The clause asks instead of telling ("Budget for social?", "is that a strategy?"): no evidence.

    A statement with a short question joined on ("two of us run the channels, reicht das?") stays a
    statement: the question must stand alone.
    """
    text = clause.rstrip()
    return text.endswith("?") and "," not in text


def is_central(clause: str) -> bool:
    """Departments do not (or may not) run accounts of their own: coordinated centrally, not absent."""
    return bool(_NOT_THEIR_OWN.search(clause)) and not _FIRST_PERSON.search(clause)


def is_private(clause: str) -> bool:
    """The clause is about someone's private account: no evidence of the company's presence."""
    return bool(_PRIVATE.search(clause))


def is_negated(clause: str) -> bool:
    """The clause says the opposite: an odd number of negations, listed ones counting once.

    "No post goes out without approval" and "no channel that doesn't serve a goal" are double
    negations, so practices; "no profile and no channel", "neither budget nor tools" and "we're not
    on it, so not a cent goes into it" list what is missing. "Not only" is no negation, nor is a
    "not" that sets off a contrast at the end ("judged on retention, not likes"). A negated
    obligation, prohibition or hesitation alone states a freedom ("nobody has to ask permission",
    "ohne Freigabe", "kein Thema ist tabu").
    """
    text = _NOT_ONLY.sub(" ", _CONTRAST_TAIL.sub("", clause))
    freed = _FREEDOM.sub(" ", text)
    if freed != text and not _NEGATION.search(freed):
        return False
    negations = list(_NEGATION.finditer(text))
    groups = sum(
        1
        for before, negation in zip([None, *negations], negations, strict=False)
        if before is None
        or _WITHOUT.fullmatch(negation.group())
        or not _LISTED.fullmatch(text[before.end() : negation.start()])
    )
    return groups % 2 == 1


def clauses_of(sentence: str) -> list[str]:
    """Parts of a sentence that may say different things ("X, but Y"); short parts stay joined."""
    return _joined(part.strip(" ,.") for part in _CLAUSE_BREAK.split(sentence))


def read_sentence(sentence: str) -> list[Clause]:
    """The parts of a sentence to score, each with its polarity and whether it is a plan.

    A plan covers its whole clause, list items included ("we announced that we would open an
    account, post daily and answer everyone"). List items without a negation of their own inherit
    the clause's ("we have never had a Facebook page, an X account or a blog"). A past state at the
    start covers the whole sentence unless it turns back to today ("five years ago we were a mess –
    every team had its own accounts"; not "früher hatte jede Filiale eine Seite, heute …"), and a list
    item that turns back to today is no past state ("früher …, heute steuert die Zentrale alles").
    """
    parts = []
    clauses = clauses_of(sentence)
    opening = clauses[0] if clauses else ""
    if _WONDERING.match(opening):
        return []  # wondering aloud, the "whether" clause included, tells nothing
    view = bool(_LEADERS_VIEW.match(sentence))
    framed = is_past(opening) or bool(_PAST_FRAME.match(opening.split(",")[0]))
    past_sentence = framed and not _TURN_TO_TODAY.search(sentence)
    before = Clause("", False, False)
    for clause in clauses:
        aspiration, past = is_aspiration(clause), past_sentence or is_past(clause)
        if _POINTS_BACK.match(clause) and len(clause.split()) <= POINTS_BACK_MAX_WORDS:
            aspiration, past = aspiration or before.aspiration, past or before.past
            if _ENDED.search(clause) and parts:  # "we started a group, but it died": both are the past
                parts[-1] = replace(parts[-1], past=True)
        past = past or bool(_ENDED.search(clause))
        # A conditional's comma ends its condition ("wenn Abteilungen posten wollen, läuft das über uns").
        listed = [clause] if _CONDITIONAL.search(clause) else _LIST_BREAK.split(clause)
        items = _joined(item.strip(" ,.") for item in listed) or [clause]
        leading = is_negated(items[0])
        for item in items:
            negated = is_negated(item) if _NEGATION.search(item) else leading
            item_past = is_past(item) or (past and not _TURN_TO_TODAY.search(item))
            parts.append(Clause(item, negated, aspiration, item_past, is_private(item), view, is_central(item)))
        before = parts[-1] if parts else before
    return parts


def _joined(parts) -> list[str]:
    """Drop empty parts and join parts under MIN_WORDS words to a neighbour."""
    joined: list[str] = []
    carry = ""
    for part in parts:
        if not part:
            continue
        if len(part.split()) < MIN_WORDS:
            if joined:
                joined[-1] = f"{joined[-1]}, {part}"
            else:
                carry = f"{carry}, {part}" if carry else part
            continue
        joined.append(f"{carry}, {part}" if carry else part)
        carry = ""
    if carry and len(carry.split()) >= MIN_WORDS - 1:
        joined.append(carry)
    return joined
