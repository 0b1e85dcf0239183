"""The languages the coach speaks: detection, every user-facing string, and the words of intents."""
