"""Follow-up pairs for the conversation tests (offline, fake model, llama.cpp): the first question, the short
follow-up, the language and the articles a good answer comes from. Written for issue 17 beside the tuning
sample `evals/answers/tuning.yaml` (dev9), so these are tuning data, not a measurement."""

FOLLOW_UP_PAIRS = [
    ("Who should be responsible for social media?", "And what about the budget?", "en", {"resources-and-enablement"}),
    ("What are the layers of a social media strategy?", "an example?", "en", {"strategy-layers"}),
    ("Does every company need to reach stage 3?", "why not?", "en", {"does-every-company-need-stage-3"}),
    ("What is social listening?", "which tools for that?", "en", {"resources-and-enablement", "processes-and-signals"}),
    (
        "What is stage 2 of the readiness model?",
        "and how do we know we're there?",
        "en",
        {"stage-optimizing-social", "readiness-model"},
    ),
    ("How do we move from stage 1 to stage 2?", "What comes first?", "en", {"from-bolt-on-to-optimizing"}),
    (
        "Why do social media strategies collide with company reality?",
        "so what do we do about it?",
        "en",
        {"two-jobs-of-strategy"},
    ),
    ("What does hub-and-spoke mean?", "and who sits in the hub?", "en", {"coordination-and-governance"}),
    ("What is a social media strategy?", "an example?", "en", {"strategy-layers", "strategy-vs-action-plan"}),
    (
        "What goes into a social media crisis plan?",
        "and who decides?",
        "en",
        {"processes-and-signals", "roles-and-responsibilities"},
    ),
    (
        "Wie messen wir, ob Social Media etwas bringt?",
        "Und wer sollte das machen?",
        "de",
        {"roles-and-responsibilities"},
    ),
    (
        "Was ist die Bolt-On-Stufe?",
        "Und was machen wir als Nächstes?",
        "de",
        {"stage-bolt-on", "from-bolt-on-to-optimizing"},
    ),
    ("Was ist ein Hub-and-Spoke-Modell?", "Und ein Governance Board?", "de", {"coordination-and-governance"}),
    (
        "Was gehört in einen Krisenplan?",
        "Und wer entscheidet dann?",
        "de",
        {"processes-and-signals", "roles-and-responsibilities"},
    ),
    (
        "Wie passt die Social-Media-Strategie zur Unternehmensstrategie?",
        "und bei uns?",
        "de",
        {"strategy-hierarchy", "organizational-alignment", "two-jobs-of-strategy"},
    ),
    (
        "Was bedeutet Stufe 3, Optimizing your Business?",
        "Gibt es dafür ein Beispiel?",
        "de",
        {"stage-optimizing-business", "from-social-to-business"},
    ),
    (
        "Welche Maturity-Modelle gibt es für Social Media?",
        "Und was ist die Kritik daran?",
        "de",
        {"maturity-models-compared"},
    ),
    ("Welche KPIs sollten wir messen?", "Und warum?", "de", {"processes-and-signals", "strategy-layers"}),
    ("Muss jedes Unternehmen Stufe 3 erreichen?", "Warum nicht?", "de", {"does-every-company-need-stage-3"}),
    ("Was ist ein Maßnahmenplan?", "Und was ist dann eine Strategie?", "de", {"strategy-vs-action-plan"}),
]
