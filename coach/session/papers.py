"""A strategy paper in the conversation: the offer to check it, the check as a turn, and what is stored.

A paper that cannot be checked (empty, unreadable, another language, no plan) raises `BadInput` before
anything is stored: the conversation stays as it was.
"""

import logging

from coach.lang.copy import section
from coach.lang.detect import Lang
from coach.lang.words import STRATEGY_REQUEST
from coach.records.conversation import Conversation, Turn
from coach.strategy.document import prepare
from coach.strategy.render import render_check
from coach.strategy.split import split_pieces

log = logging.getLogger(__name__)

COPY = section("strategy")
PLAN_LINES = 4
"""A typed message of at least this many lines that reads as a plan gets the offer to check it."""


def is_strategy_request(message: str) -> bool:
    return bool(STRATEGY_REQUEST.search(message))


def looks_like_plan(message: str) -> bool:
    """Several lines of goals, channels, frequencies or roles: a pasted plan rather than a question."""
    if sum(bool(line.strip()) for line in message.splitlines()) < PLAN_LINES:
        return False
    try:
        prepare(message)
    except Exception:
        return False
    return True


def offer_turn(lang: Lang, pasted: bool) -> Turn:
    """The coach's offer: to check the plan just pasted (a quick reply), or to open the paste/upload form."""
    if pasted:
        return Turn("coach", COPY[lang]["offer_pasted"], kind="paper_offer", quick_replies=[COPY[lang]["check_it"]])
    return Turn("coach", COPY[lang]["offer_form"], kind="strategy_offer")


def pasted_paper(conversation: Conversation) -> str | None:
    """The plan the coach offered to check: the user's message before the last offer, if that is the last turn
    but one (the user has just answered the offer)."""
    turns = conversation.turns
    if len(turns) >= 3 and turns[-2].kind == "paper_offer" and turns[-3].role == "user":
        return turns[-3].text
    return None


def check_turn(coach, text: str, lang: Lang) -> Turn:
    """The check of a paper as the coach's turn, in the conversation's language (the reader's choice, whatever
    the paper's); BadInput when the paper cannot be checked."""
    check = coach.check_strategy(text, lang)
    return Turn(
        "coach", render_check(check), kind="strategy_check", mode=check.mode, notices=list(check.notices),
        check=check.to_json(),
    )  # fmt: skip


def check_paper(coach, conversation: Conversation, text: str, name: str | None = None) -> Turn:
    """Check an uploaded or pasted paper and store it as two turns (the request and the check).

    The check runs first: a paper that cannot be checked raises BadInput and nothing is stored.
    """
    lang = conversation.lang
    turn = check_turn(coach, text, lang)
    if name:
        request = COPY[lang]["paper_uploaded"].format(name=name)
    else:
        request = COPY[lang]["paper_pasted"].format(statements=len(split_pieces(text)))
    conversation.turns.append(Turn("user", request, kind="paper"))
    conversation.turns.append(turn)
    log.info("Checked a strategy paper: %s", turn.check["verdict"])
    return turn
