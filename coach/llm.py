"""The only module that builds clients of an OpenAI-compatible endpoint (chat model, embeddings)."""

from langchain_openai import ChatOpenAI, OpenAIEmbeddings

from coach.config import Settings
from coach.errors import ConfigError

# Local servers (llama.cpp, vLLM, Ollama) accept any key, but the client insists on one.
PLACEHOLDER_KEY = "not-needed-for-local-servers"


def _api_key(settings: Settings) -> str:
    if settings.openai_api_key is not None:
        return settings.openai_api_key.get_secret_value()
    if settings.openai_base_url:
        return PLACEHOLDER_KEY
    raise ConfigError(
        "A model endpoint needs OPENAI_API_KEY, or OPENAI_BASE_URL for a local server "
        "that needs no key. Unset COACH_MODEL/COACH_EMBEDDER=openai to run offline."
    )


def build_chat_model(settings: Settings, streaming: bool = True) -> ChatOpenAI:
    """The configured chat model, with an explicit timeout; it never retries on its own.

    Retries (and a server's Retry-After) are `coach.model_calls.ModelGuard`'s, within the turn's deadline:
    the client would wait out a Retry-After of minutes.
    """
    if not settings.model:
        raise ConfigError("No chat model configured: set COACH_MODEL (and OPENAI_BASE_URL).")
    return ChatOpenAI(
        model=settings.model,
        api_key=_api_key(settings),
        base_url=settings.openai_base_url,
        timeout=settings.llm_timeout,
        max_retries=0,
        streaming=streaming,
        temperature=0.2,
        max_tokens=settings.llm_max_tokens,
        extra_body=_local_server_options(settings),
    )


def _local_server_options(settings: Settings) -> dict | None:
    """The reply cap under its older name too, for servers at OPENAI_BASE_URL.

    The client sends the cap as `max_completion_tokens`; llama.cpp's Python server (and older vLLM)
    read only `max_tokens`, and would otherwise write until the context is full.
    """
    if settings.openai_base_url and settings.llm_max_tokens is not None:
        return {"max_tokens": settings.llm_max_tokens}
    return None


def build_openai_embeddings(settings: Settings) -> OpenAIEmbeddings:
    """Embeddings from the configured OpenAI-compatible endpoint."""
    return OpenAIEmbeddings(
        model=settings.embedding_model,
        api_key=_api_key(settings),
        base_url=settings.openai_base_url,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
        check_embedding_ctx_length=False,
    )
