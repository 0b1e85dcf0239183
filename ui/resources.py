"""What one server process shares across sessions: the coach, the conversation store, the readiness model."""

import logging

import streamlit as st

from coach.config import Settings
from coach.readiness.model import ReadinessModel, load_model
from coach.records.store import Store
from coach.session import intake

log = logging.getLogger("coach.app")


@st.cache_resource(show_spinner=False)
def shared_coach() -> intake.SharedCoach:
    """One coach per server process, shared by every session."""
    return intake.SharedCoach(intake.build_coach())


def shared_store() -> Store:
    """The conversation store of this server process (connects on first use)."""
    settings = Settings()
    return _store_at(settings.store_url, settings.legacy_owner)


@st.cache_resource(show_spinner=False)
def _store_at(url: str, legacy_owner: str | None) -> Store:
    return Store(url, legacy_owner=legacy_owner)


@st.cache_resource(show_spinner=False)
def readiness_model() -> ReadinessModel:
    """The readiness model alone, for pages that must not start the coach (shared links)."""
    return load_model(Settings().readiness_file)
