"""The guided diagnostic in a terminal: interactive, or scripted with one answer per line."""

from collections.abc import Callable, Iterable

from coach.errors import BadInput
from coach.lang.detect import Lang, detect_language
from coach.records.conversation import Conversation, Turn
from coach.session.intake import take
from coach.session.replies import finish_diagnostic, start_diagnostic

Show = Callable[[str], None] | None


def run_diagnostic(coach, answers: Iterable[str] | None, show: Show = print, lang: Lang | None = None) -> Conversation:
    """Run the diagnostic to its summary; `answers` None means read from the terminal.

    Scripted answers need not match the questions: every line is read for whatever evidence it
    holds, and a line left over after the summary still counts, as it would in the chat (the
    summary is redone and says what changed).
    """
    lines = None if answers is None else [line for line in answers]
    conversation = Conversation(lang=lang or detect_language(" ".join(lines or []), "en"))
    _show(show, start_diagnostic(coach, conversation))
    for message in lines if lines is not None else _typed_lines(conversation):
        if message.strip():
            _answer(coach, conversation, message, show)
    if conversation.in_diagnostic or conversation.summary is None:
        _show(show, finish_diagnostic(coach, conversation))
    return conversation


def _answer(coach, conversation: Conversation, message: str, show: Show) -> None:
    try:
        turn = take(coach, conversation, message)
    except BadInput:
        turn = take(coach, conversation, "?")
    _show(show, turn)


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
