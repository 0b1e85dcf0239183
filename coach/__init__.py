"""The social media strategy coach: grounded answers and a readiness diagnostic."""

__version__ = "0.1.0"
