"""`python -m bench --only overhead`: what the coach's chain adds to a model's time to first token.

A local llama.cpp server (tests/support/llama_server.py, requirements-dev.txt) serves the tiny test model.
For the same question, interleaved N times: the server's own time to first token for a direct
streamed request with exactly the messages the coach sends, and the time to first token through
`Coach.ask(on_token=...)` (cleaning, embedding the question, retrieval, the prompt, the client).
The overhead is the coach's median minus the server's median. Printed, never asserted.
"""

import logging
import statistics
import time

from langchain_core.messages import BaseMessage

from coach.session.coach import Coach, prepare_question

QUESTION = "Is posting three times a week a strategy?"
TARGET_MS = 50.0
REPLY_TOKENS = 4
ROLES = {"system": "system", "human": "user", "ai": "assistant"}


def _openai_messages(messages: list[BaseMessage]) -> list[dict]:
    return [{"role": ROLES[message.type], "content": message.content} for message in messages]


def coach_messages(coach: Coach, question: str) -> list[BaseMessage]:
    """The messages `Coach.ask` sends for a first question (no history, so no rewrite)."""
    from coach.answer.model import answer_messages
    from coach.retrieval.reranker import retrieve

    prepared = prepare_question(question, coach.settings.max_question_chars)
    vector = coach.embedder.query_vector(prepared.text)
    hits = retrieve(coach.index, vector, prepared.lang, coach.settings.top_k, prepared.text).hits
    return answer_messages(hits, prepared.text, prepared.lang)


def direct_first_token(client, model: str, messages: list[dict]) -> float:
    """Seconds until the server streams the first piece of text for a direct request.

    The stream is read to its end, as the coach reads it: a stream closed early leaves the server
    busy finishing it, and the next request (the coach's) would wait for that.
    """
    first = None
    started = time.perf_counter()
    stream = client.chat.completions.create(
        model=model, messages=messages, stream=True, temperature=0.2, max_tokens=REPLY_TOKENS
    )
    for chunk in stream:
        if first is None and chunk.choices and chunk.choices[0].delta.content:
            first = time.perf_counter() - started
    if first is None:
        raise RuntimeError("the server streamed no text")
    return first


def _seconds(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def coach_first_token(coach: Coach, question: str) -> float:
    """Seconds until `Coach.ask` hands the first piece of the model's text to `on_token`."""
    first: list[float] = []
    started = time.perf_counter()
    coach.ask(question, on_token=lambda _: first.append(time.perf_counter()) if not first else None)
    if not first:
        raise RuntimeError("the coach streamed no text (did the answer fall back to the articles?)")
    return first[0] - started


def bench_overhead(coach: Coach, repeat: int) -> None:
    from openai import OpenAI

    from coach.llm import PLACEHOLDER_KEY
    from tests.support.llama_server import MODEL_ALIAS, LlamaServer

    print(f"\n== Chain overhead: time to first token through the coach minus the server's own (medians of {repeat})")
    with LlamaServer() as server:
        update = {
            "model": MODEL_ALIAS,
            "openai_base_url": server.base_url,
            "llm_max_tokens": REPLY_TOKENS,
            "llm_timeout": 300.0,
            "llm_max_retries": 0,
        }
        model_coach = Coach(coach.settings.model_copy(update=update), embedder=coach.embedder, index=coach.index)
        client = OpenAI(base_url=server.base_url, api_key=PLACEHOLDER_KEY, timeout=300.0, max_retries=0)
        messages = _openai_messages(coach_messages(model_coach, QUESTION))
        direct, through_coach, embedding = [], [], []
        quiet = logging.getLogger("coach.session.coach")  # every capped reply "broke off": expected here
        level, _ = quiet.level, quiet.setLevel(logging.ERROR)
        try:
            direct_first_token(client, MODEL_ALIAS, messages)  # warm up: the server caches the prompt's prefix
            coach_first_token(model_coach, QUESTION)
            for _ in range(repeat):  # interleaved, so all see the same machine and the same server cache
                direct.append(direct_first_token(client, MODEL_ALIAS, messages))
                through_coach.append(coach_first_token(model_coach, QUESTION))
                embedding.append(_seconds(lambda: coach.embedder.query_vector(QUESTION)))
        finally:
            quiet.setLevel(level)
    server_ms, coach_ms = statistics.median(direct) * 1000, statistics.median(through_coach) * 1000
    paired = statistics.median(c - d for c, d in zip(through_coach, direct, strict=True)) * 1000
    overhead = coach_ms - server_ms
    print(f"server's own time to first token: median {server_ms:.1f} ms (min {min(direct) * 1000:.1f})")
    print(f"through Coach.ask:                median {coach_ms:.1f} ms (min {min(through_coach) * 1000:.1f})")
    print(f"overhead at the median: {overhead:.1f} ms (median of paired differences {paired:.1f} ms)")
    print(f"of which embedding the question (irreducible): median {statistics.median(embedding) * 1000:.1f} ms")
    print(f"overhead: {overhead:.1f} ms (target <= {TARGET_MS:.0f}) {'met' if overhead <= TARGET_MS else 'NOT MET'}")
