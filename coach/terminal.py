"""The guided diagnostic in a terminal: interactive, or scripted with one answer per line."""

from collections.abc import Callable, Iterable
from dataclasses import replace

from coach.diagnostic.dialogue import with_evidence
from coach.errors import BadInput
from coach.lang.detect import Lang, detect_language
from coach.records.conversation import Conversation, Turn
from coach.session.intake import take
from coach.session.replies import finish_diagnostic, start_diagnostic

Show = Callable[[str], None] | None


def run_diagnostic(coach, answers: Iterable[str] | None, show: Show = print, lang: Lang | None = None) -> Conversation:
    """Run the diagnostic to its summary; `answers` None means read from the terminal.

    Scripted answers need not match the questions: every line is read for whatever evidence it
    holds, and lines left over after the summary still count (the summary is then redone).
    """
    lines = None if answers is None else [line for line in answers]
    conversation = Conversation(lang=lang or detect_language(" ".join(lines or []), "en"))
    _show(show, start_diagnostic(coach, conversation))
    for message in lines if lines is not None else _typed_lines(conversation):
        if conversation.in_diagnostic:
            _answer(coach, conversation, message, show)
        else:
            absorb(coach, conversation, message)
    if conversation.in_diagnostic or conversation.summary is None or _absorbed_after_summary(conversation):
        _show(show, finish_diagnostic(coach, conversation))
    return conversation


def _answer(coach, conversation: Conversation, message: str, show: Show) -> None:
    try:
        turn = take(coach, conversation, message)
    except BadInput:
        turn = take(coach, conversation, "?")
    _show(show, turn)


def absorb(coach, conversation: Conversation, message: str) -> None:
    """Count the evidence of a message that came after the last question."""
    state = conversation.dialogue
    if state is None or not message.strip():
        return
    state = replace(state, turn=state.turn + 1)
    scored = coach.score(message, state.turn)
    conversation.dialogue = with_evidence(state, scored)
    conversation.turns.append(Turn("user", message.strip(), kind="late_answer"))
    conversation.summary = None


def _absorbed_after_summary(conversation: Conversation) -> bool:
    return bool(conversation.turns) and conversation.turns[-1].kind == "late_answer"


def _typed_lines(conversation: Conversation):
    prompt = "> "
    while conversation.in_diagnostic:
        try:
            yield input(prompt)
        except EOFError:
            return


def _show(show: Show, turn: Turn) -> None:
    if show is None:
        return
    show(turn.text)
    for number, label in enumerate(turn.quick_replies, start=1):
        show(f"  [{number}] {label}")
    show("")
