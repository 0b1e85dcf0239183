"""The offline answer, composed on the article's structure rather than as a collage of sentences.

The procedure, step by step:
1. The opening sentence comes from the article retrieval ranked first: its sentence that scores best
   for the question, preferring one that does what the question's kind asks (a definition for "what is",
   a verdict for "is X ...", a person or role for "who", a start for "how do we start"), and never one
   that needs the text before it (`structure.needs_context`: "This means ...", "the retailer") or is
   background (a year, whose model it was). A who or how-long question opens in the roles or plan section
   when the best articles have one.
2. If that sentence sits in, or right before, a list of its section (a worked example, a checklist, the
   layers of a strategy), or the question asks for an example or a first step and the section has a list,
   the list follows whole and in order, with the line that introduces it and the sentence after it when that
   draws on the list (a worked example's outcome, a checklist's verdict: "If several of these are true, ...").
3. Otherwise the opening sentence's paragraph goes on in order, and when that is too short, the next
   best sentences of the chosen articles follow; a sentence that points back, or leans on a noun or pronoun
   of the sentences before it ("the retailer", "Nobody decided on it"), joins only right after the sentence
   it follows in the article.
4. The answer stays within about MIN_WORDS to MAX_WORDS words; every sentence or list item ends with
   the `[n]` of its article.
5. A follow-up's answer neither opens with nor is filled by a sentence the previous answer quoted
   (`said`), as long as something else of the chosen articles is left.
"""

import re
from dataclasses import dataclass, replace

from coach.answer.reading import Kind, topic_words
from coach.answer.structure import Block, blocks, clean, first_sentence, needs_context, points_back, preceding
from coach.knowledge.index import Hit, KnowledgeIndex, TextTable
from coach.retrieval.reranker import Retrieved

MIN_WORDS = 60
MAX_WORDS = 150
# How much a sentence that does what the question's kind asks is preferred as the opening sentence.
KIND_BONUS = 0.03
# Background (a year, whose model it was) and questions are poor openings.
BACKGROUND_PENALTY = 0.03
QUESTION_PENALTY = 0.05
REDUNDANT = 0.93
# A passage the search did not return counts as this much less similar than its article's best passage.
UNRETURNED_MARGIN = 0.05
# Per share of the question's topic words the sentence uses (by their first letters: "messen", "gemessen").
WORD_BONUS = 0.08
# A sentence in a section that does what the question asks ("What to do next", "Worked example").
SECTION_BONUS = 0.06
# A follow-up stays with the articles its previous answer quoted, unless another fits clearly better; for a kind
# with sections of its own, only a sentence of such a section stays (`_does_kind`).
CONVERSATION_BONUS = 0.06
# Kinds of question whose answer is a list of the section when it has one (the steps, the worked example, the plan).
LIST_KINDS: tuple[Kind, ...] = ("example", "first_step", "how_long")
# Kinds whose answer lives in sections of their own (the roles, a plan over time), unlike an example or a reason,
# which any paragraph may give.
SECTION_KINDS: tuple[Kind, ...] = ("who", "how_long")
# The lowest-ranked article whose fitting section may open the answer (0 is the best article).
SECTION_RANK = 1

_KIND_WORDS: dict[Kind, re.Pattern] = {
    "definition": re.compile(
        r"\b(is|are|means?|describes?|becomes?|called|ist|sind|bedeutet|heißt|meint|beschreibt|nannte|nennt)\b", re.I
    ),
    "yes_no": re.compile(r"\b(not|no|never|only|nicht|kein\w*|nie|nur|is an?|are|ist eine?|sind)\b", re.I),
    "who": re.compile(
        r"\b(owners?|lead|team|manager|person|sponsor|responsib\w*|verantwort\w*|zuständig\w*|leitung|"
        r"eigentümer\w*|kanalverantwortlich\w*|mitarbeit\w*|named|benannt\w*)\b",
        re.I,
    ),
    "first_step": re.compile(
        r"\b(start\w*|begin\w*|first|step|inventory|zuerst|erste\w*|beginn\w*|anfang\w*|schritt\w*|"
        r"inventur|bestandsaufnahme)\b",
        re.I,
    ),
    "example": re.compile(r"\b(example|for instance|imagine|picture|beispiel\w*|etwa|stellen sie sich)\b", re.I),
    "why": re.compile(r"\b(because|since|so that|reason|weil|denn|grund|damit)\b", re.I),
    # a duration: a number and a unit ("ninety days", "Days 1-30", "drei Monaten"), not "may wait for days"
    "how_long": re.compile(
        r"\b(?:\d+|a few|few|several|one|two|three|four|six|twelve|thirty|sixty|ninety|ein\w*|zwei|drei|vier|sechs|"
        r"zwölf|dreißig|sechzig|neunzig|wenige\w*|einige\w*)[ -](?:days?|weeks?|months?|years?|tage?n?|wochen?|"
        r"monate?n?|jahre?n?)\b|\b(?:days?|tage?)\s+\d+|\b\d+-(?:day|tage)\w*",
        re.I,
    ),
}
_SECTION_WORDS: dict[Kind, re.Pattern] = {
    "first_step": re.compile(r"\b(next|start\w*|first|90-day|nächst\w*|erste\w*|anfang\w*|90-tage)\b", re.I),
    "example": re.compile(r"\b(example|beispiel\w*)\b", re.I),
    "who": re.compile(
        # German compounds count by their last part ("Kanalverantwortliche", "Social-Media-Leitung")
        r"\b(roles?|responsib\w*|owners?|lead|rollen?|\w*verantwort\w*|zuständig\w*|\w*eigentümer\w*|\w*leitung)\b",
        re.I,
    ),
    "how_long": re.compile(r"\b(\d+-day|\d+-tage\w*|days|tage|timeline|zeitplan|schedule)\b", re.I),
}
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_BACKGROUND = re.compile(r"\b(1[89]\d\d|20\d\d)\b|\b(Anderson|Altimeter|Forrester|Tac)\b")
# A sentence after a list that names what the list held ("If several of these are true").
_DRAWS_ON = re.compile(r"\b(these|those|them|diese[nmrs]?|ihnen)\b", re.I)
_LIST_WORDS = re.compile(
    r"\b(layers?|steps?|list|checklist|questions|example|plan|ebenen?|schritte?|liste|checkliste|fragen|beispiel\w*)\b",
    re.I,
)


@dataclass(frozen=True)
class Piece:
    """One quoted sentence or list item and the passage it comes from."""

    hit: Hit
    text: str
    item: bool = False


def compose_pieces(
    index: KnowledgeIndex, retrieved: Retrieved, question: str, kind: Kind, said: str = ""
) -> list[Piece]:
    """The answer's sentences and list items, in reading order (empty when nothing is quotable). A sentence
    that `said` (the previous answer) quoted neither opens nor fills it, unless nothing else is left; the
    opening's own paragraph or list is shown whole all the same."""
    passages = _allowed_passages(index, retrieved)
    table = index.sentence_table()
    rows = table.rows_of(set(passages))
    fresh = [row for row in rows if not _was_said(table.texts[row], said)]
    if not rows:
        return []
    quoted_before = {passages[table.chunk_ids[row]][1].article_id for row in rows if row not in fresh}
    rows = fresh or rows
    sections = _sections_so_far(passages)
    scores = {row: _score(retrieved, passages, table, row, question, kind, sections) for row in rows}
    for row in rows:
        # ... but what the follow-up asks for ("und wer?": a person or role) comes first.
        if _does_kind(kind, row, table, passages) and passages[table.chunk_ids[row]][1].article_id in quoted_before:
            scores[row] += CONVERSATION_BONUS
    lead_rows = [row for row in rows if _may_open(passages[table.chunk_ids[row]][0], kind, row, table, passages)]
    if kind in SECTION_KINDS:  # a who or how-long answer opens in the roles or the plan section, when there is one
        lead_rows = [row for row in lead_rows if _fits_section(kind, row, table, passages)] or lead_rows
    lead = max(lead_rows or rows, key=lambda row: scores[row])
    hit = passages[table.chunk_ids[lead]][1]
    article = [other for _, other in passages.values() if other.article_id == hit.article_id]
    pieces = _with_list(hit, table.texts[lead], question, kind, article) or _paragraph(hit, table.texts[lead])
    ranked = sorted(rows, key=lambda row: -scores[row])
    return _fill(pieces, ranked, table, passages, sections)


def _does_kind(kind: Kind, row: int, table: TextTable, passages: dict) -> bool:
    """Whether the sentence does what the question's kind asks: its words, and for a kind whose answer lives in
    sections of its own (SECTION_KINDS), its section too. "Und wie lange dauert das?" after a
    question on stage 2 is not answered by a pitfall that "takes three days", but by a section with a plan."""
    if kind not in _KIND_WORDS:
        return True
    return bool(_KIND_WORDS[kind].search(table.texts[row])) and (
        kind not in SECTION_KINDS or _fits_section(kind, row, table, passages)
    )


def _was_said(sentence: str, said: str) -> bool:
    """Whether the previous answer quoted this sentence (or list item) already."""
    return bool(said) and clean(sentence) in said


def _allowed_passages(index: KnowledgeIndex, retrieved: Retrieved) -> dict[str, tuple[int, Hit]]:
    """Every passage of the chosen articles (in the chosen language): chunk id -> (article rank, hit).

    A passage Chroma returned keeps its similarity; the others of the article get a little less than the
    article's best one, so a section the search missed (how the article measures, what to do next) can still
    be quoted when its sentence fits the question.
    """
    returned = {hit.chunk_id: hit for hit in retrieved.candidates}
    allowed = {}
    for rank, best in enumerate(retrieved.hits):
        for chunk_id, passage in index.passages().items():
            if passage.article_id == best.article_id:
                score = returned[chunk_id].score if chunk_id in returned else best.score - UNRETURNED_MARGIN
                allowed[chunk_id] = (rank, replace(passage, score=score))
    return allowed


def _may_open(rank: int, kind: Kind, row: int, table: TextTable, passages: dict) -> bool:
    """The opening comes from the best article, or from the second when its section is the steps, example or plan
    asked for (a who question stays with the best article: "who sits in the hub?" is about the hub)."""
    return rank == 0 or (rank <= SECTION_RANK and kind in LIST_KINDS and _fits_section(kind, row, table, passages))


def _fits_section(kind: Kind, row: int, table: TextTable, passages: dict) -> bool:
    """Whether the sentence's section is what a first-step, example, who or how-long question asks for ("What to
    do next", "A 90-day plan example", "Channel owners"). An article's introduction is headed by its title, which
    names what the whole article covers ("...: a 90-day path"), so it is no such section."""
    pattern = _SECTION_WORDS.get(kind)
    hit = passages[table.chunk_ids[row]][1]
    return bool(pattern and hit.section != hit.title and pattern.search(hit.section))


def _score(
    retrieved: Retrieved, passages: dict, table: TextTable, row: int, question: str, kind: Kind, sections: dict
) -> float:
    """The sentence's fitness as an opening: its similarity and its passage's, adjusted by the rules above."""
    sentence = table.texts[row]
    score = 0.6 * float(retrieved.sentence_scores[row]) + 0.4 * passages[table.chunk_ids[row]][1].score
    if kind in _KIND_WORDS and _KIND_WORDS[kind].search(sentence):
        score += KIND_BONUS
    hit = passages[table.chunk_ids[row]][1]
    if _fits_section(kind, row, table, passages) or _defines_subject(kind, sentence, hit):
        score += SECTION_BONUS
    score += WORD_BONUS * shared_words(question, sentence)
    if needs_context(sentence, sections[hit.chunk_id]):
        score -= 1.0  # an opening must stand on its own
    if sentence.endswith("?"):
        score -= QUESTION_PENALTY
    background = _BACKGROUND.findall(sentence)
    if background and not any(word and word.lower() in question.lower() for pair in background for word in pair):
        score -= BACKGROUND_PENALTY
    return score


def _defines_subject(kind: Kind, sentence: str, hit: Hit) -> bool:
    """Whether a definition question meets a sentence of the article's introduction (headed by its title) that
    says what something is or becomes: the introduction says what the article's subject is."""
    return kind == "definition" and hit.section == hit.title and bool(_KIND_WORDS["definition"].search(sentence))


def shared_words(question: str, sentence: str) -> float:
    """The share of the question's topic words of 4+ letters whose stem (first 5 letters) the sentence uses."""
    asked = {_fold(word)[:5] for word in topic_words(question) if len(word) >= 4}
    if not asked:
        return 0.0
    said = _fold(sentence)
    return sum(stem in said for stem in asked) / len(asked)


def _fold(text: str) -> str:
    return text.lower().translate(_UMLAUTS)


def _locate(passage_blocks: list[Block], sentence: str) -> tuple[int, int]:
    """(block, position) of a quoted sentence in the passage; position -1 is a list's lead-in."""
    for number, block in enumerate(passage_blocks):
        if block.lead_in and sentence in block.lead_in:
            return number, -1
        for position, text in enumerate(block.sentences):
            if sentence in text:
                return number, position
    return -1, 0


def _with_list(hit: Hit, lead: str, question: str, kind: Kind, article: list[Hit]) -> list[Piece]:
    """The opening and a whole list of its passage, when the opening belongs to it or the question asks for one."""
    passage_blocks = blocks(hit.text)
    where, position = _locate(passage_blocks, lead)
    lists = [number for number, block in enumerate(passage_blocks) if block.kind == "list"]
    if where < 0 or not lists:
        return []
    if passage_blocks[where].kind == "list":
        chosen = where
    elif where + 1 in lists and position == len(passage_blocks[where].sentences) - 1:
        chosen = where + 1
    elif kind in LIST_KINDS or _LIST_WORDS.search(question):
        chosen = next((number for number in lists if number > where), lists[0])
    else:
        return []
    block = passage_blocks[chosen]
    if chosen == where and position >= 0 and not block.lead_in and kind not in LIST_KINDS:
        return []  # an item of a list with no lead-in opens the answer on its own
    opening = _opening(hit, block, lead, chosen == where and position >= 0)
    items = _fitting_items(block, sum(len(piece.text.split()) for piece in opening))
    if not items:
        return []
    pieces = opening + [Piece(hit, item, item=True) for item in items]
    closing = _closing(hit, passage_blocks[chosen + 1 :], article)
    return [*pieces, closing] if closing and _words(pieces) + len(closing.text.split()) <= MAX_WORDS else pieces


def _closing(hit: Hit, after: list[Block], article: list[Hit]) -> Piece | None:
    """The sentence right after a whole list when it draws on the list: the conclusion of a worked example or a
    checklist ("After ninety days the firm was not finished, but ...", "If several of these are true, ...").
    When the section was cut into passages right after the list, it opens the next passage."""
    if not after:
        follower = next((other for other in article if _is_next(hit, other)), None)
        hit, after = (follower, blocks(follower.text)) if follower else (hit, [])
    if not after or after[0].kind != "paragraph":
        return None
    sentence = clean(after[0].sentences[0])
    draws_on = needs_context(sentence, section_so_far(hit, article)) or _DRAWS_ON.search(sentence)
    return Piece(hit, sentence) if draws_on and not _BACKGROUND.search(sentence) else None


def _is_next(hit: Hit, other: Hit) -> bool:
    """Whether `other` is the passage right after `hit` in the same section."""
    return other.section == hit.section and _passage_number(other) == _passage_number(hit) + 1


def _opening(hit: Hit, block: Block, lead: str, lead_is_item: bool) -> list[Piece]:
    """The sentences before a list: the opening sentence (unless it is an item) and the list's lead-in."""
    pieces = [] if lead_is_item else [Piece(hit, lead)]
    lead_in = block.lead_in
    if lead_in and lead not in lead_in and not points_back(lead_in):
        pieces.append(Piece(hit, lead_in))
    return pieces


def _fitting_items(block: Block, used: int) -> list[str]:
    """The list's items whole; shortened to their first sentence when the whole list would be too long."""
    items = list(block.sentences)
    if used + sum(len(item.split()) for item in items) > MAX_WORDS:
        items = [first_sentence(item) for item in items]
    return items


def _paragraph(hit: Hit, lead: str) -> list[Piece]:
    """The opening sentence and the rest of its paragraph, in order, up to about MIN_WORDS."""
    passage_blocks = blocks(hit.text)
    where, position = _locate(passage_blocks, lead)
    if where < 0 or position < 0 or passage_blocks[where].kind != "paragraph":
        return [Piece(hit, clean(lead))]
    pieces = [Piece(hit, lead)]
    for sentence in passage_blocks[where].sentences[position + 1 :]:
        if _words(pieces) >= MIN_WORDS or _words(pieces) + len(sentence.split()) > MAX_WORDS:
            break
        pieces.append(Piece(hit, clean(sentence)))
    return pieces


def _fill(pieces: list[Piece], ranked: list[int], table: TextTable, passages: dict, sections: dict) -> list[Piece]:
    """Add the next best sentences that stand on their own until the answer has about MIN_WORDS."""
    used = {piece.text for piece in pieces}
    chosen_rows = [row for row in ranked if table.texts[row] in used]
    for row in ranked:
        if _words(pieces) >= MIN_WORDS:
            break
        sentence = table.texts[row]
        if sentence in used or any(sentence in piece.text for piece in pieces):
            continue
        hit = passages[table.chunk_ids[row]][1]
        if sentence.endswith("?") or not _stands_here(sentence, sections[hit.chunk_id], pieces):
            continue
        if _words(pieces) + len(sentence.split()) > MAX_WORDS:
            continue
        if any(float(table.vectors[row] @ table.vectors[other]) > REDUNDANT for other in chosen_rows):
            continue
        pieces.append(Piece(hit, sentence))
        used.add(sentence)
        chosen_rows.append(row)
    return pieces


def _stands_here(sentence: str, section: str, pieces: list[Piece]) -> bool:
    """Whether the sentence reads right at the end of the answer: it stands on its own in its section (the text
    of the section up to its passage), or the sentence the article has right before it is the answer's last one
    ("Nobody decided on it ..." only after what "it" is)."""
    if not needs_context(sentence, section):
        return True
    before = preceding(section, sentence)
    return bool(before and pieces) and clean(before[-1]) == clean(pieces[-1].text)


def _sections_so_far(passages: dict[str, tuple[int, Hit]]) -> dict[str, str]:
    """`section_so_far` of every allowed passage, by chunk id: built once per answer, not once per sentence."""
    hits = [hit for _, hit in passages.values()]
    return {chunk_id: section_so_far(hit, hits) for chunk_id, (_, hit) in passages.items()}


def section_so_far(hit: Hit, passages: list[Hit]) -> str:
    """The text of the passage's section up to and including the passage: a long section is indexed as several
    passages, and the first sentence of the second may lean on the first ("After ninety days the firm ...")."""
    number = _passage_number(hit)
    parts = sorted(
        (_passage_number(other), other.text)
        for other in passages
        if (other.article_id, other.section) == (hit.article_id, hit.section) and _passage_number(other) <= number
    )
    return "\n\n".join(dict.fromkeys(text for _, text in parts)) or hit.text


def _passage_number(hit: Hit) -> int:
    """The passage's place in its article (ids end in "#<number>", `coach.knowledge.articles`)."""
    return int(hit.chunk_id.rsplit("#", 1)[-1])


def _words(pieces: list[Piece]) -> int:
    return sum(len(piece.text.split()) for piece in pieces)


def render(pieces: list[Piece]) -> tuple[str, list[Hit]]:
    """The answer's text with a `[n]` after every sentence and item, and the cited passages by number."""
    numbers: dict[str, int] = {}
    cited: list[Hit] = []
    text = ""
    previous_item = False
    for piece in pieces:
        if piece.hit.key not in numbers:
            numbers[piece.hit.key] = len(numbers) + 1
            cited.append(piece.hit)
        quoted = f"{piece.text} [{numbers[piece.hit.key]}]"
        if piece.item:
            text += f"\n- {quoted}"
        elif previous_item:
            text += f"\n\n{quoted}"
        else:
            text += f" {quoted}" if text else quoted
        previous_item = piece.item
    return text.strip(), cited
