"""How the wording of a clause is read: negations, freedoms, plans, past states, questions, private accounts."""

import pytest

from coach.readiness.clauses import (
    clauses_of,
    is_aspiration,
    is_central,
    is_negated,
    is_past,
    is_private,
    is_question,
    is_unsure,
    read_sentence,
)


@pytest.mark.parametrize(
    ("clause", "negated"),
    [
        ("We have no clear roles", True),
        ("Nobody owns our channels", True),
        ("we dont have a budget", True),
        ("Es gibt kein Budget", True),
        ("Niemand ist zuständig", True),
        ("No post goes out without a second pair of eyes", False),
        ("Kein Post geht ohne Freigabe raus", False),
        ("The spend is judged on retention and claims satisfaction, not likes", False),
        ("Die Geschäftsführung misst es an Wiederbuchungen, nicht an Likes", False),
        ("Nobody measures anything, not even reach", True),
        ("Many teams are active, not only marketing", False),
        ("Nicht nur das Marketing ist aktiv", False),
        ("We have a social media team of three", False),
        # A negation in a relative or "without" clause turns the clause back:
        ("Es gibt keinen Kanal, für den nicht eine verantwortliche Person benannt ist", False),
        ("There is no channel for which nobody is named", False),
        ("Bei uns geht kein Post raus, ohne dass das Social-Team ihn im Redaktionsplan hat", False),
        ("Filialen richten eigene Seiten ein, ohne dies mit der Zentrale abzustimmen", True),
        # Listed negations still count once:
        ("kein Budget, keine Tools und keine Schulung", True),
        ("Wir haben keine Seite, keinen Kanal, nichts", True),
        ("Kein Facebook, kein Instagram, nix", True),
        ("Social Media? Ham wir nich", True),
    ],
)
def test_negations_count_by_parity(clause: str, negated: bool) -> None:
    assert is_negated(clause) is negated


@pytest.mark.parametrize(
    ("clause", "negated"),
    [
        ("no one has to get permission first", False),
        ("Baristas answer online themselves, nobody has to ask anyone", False),
        ("Staff reply without asking anyone", False),
        ("Employees speak for us without pre-approval", False),
        ("Niemand muss um Erlaubnis fragen", False),
        ("Die Leute posten ohne Freigabe", False),
        ("Das muss niemand absegnen", False),
        ("Wir brauchen keine Freigabe", False),
        ("Our CEO does a monthly open AMA where nothing is off limits", False),
        ("No question from customers is taboo", False),
        ("Bei uns ist kein Thema tabu", False),
        ("Keine Frage ist verboten", False),
        ("eine Fragerunde, bei der kein Thema tabu ist", False),
        ("Nobody here thinks twice about an engineer talking to customers publicly", False),
        ("Niemand zögert, Kunden direkt zu antworten", False),
        # Not an obligation that is negated, or a second negation that makes it a rule:
        ("we do not have a budget", True),
        ("Nobody has the job", True),
        ("nobody has time for it", True),
        ("no post goes out without approval", False),
        ("nothing is planned for social media", True),
        ("Nothing is off limits, but nobody answers", True),
    ],
)
def test_a_negated_obligation_or_prohibition_states_a_freedom(clause: str, negated: bool) -> None:
    assert is_negated(clause) is negated


@pytest.mark.parametrize(
    ("clause", "aspiration"),
    [
        ("One day we'd like to co-create products with customers", True),
        ("We plan to hire a community manager next year", True),
        ("The CEO announced a social media programme", True),
        ("I suggested we open an Instagram page", True),
        ("ich hab schon vorgeschlagen, ne Insta-Seite zu machen", True),
        ("Wir möchten irgendwann mit Kunden Produkte entwickeln", True),
        ("Wir wollen künftig mehr Dialog", True),
        ("When departments want to post, it goes through us", False),
        ("We co-create products with our community", False),
        ("Unser Team beantwortet jede Anfrage binnen zwei Stunden", False),
        ("Wir planen, nächstes Jahr einen Instagram-Kanal zu eröffnen", True),
        ("Die Geschäftsführung plant, ein Budget einzuführen", True),
        ("Ein eigenes Social-Media-Team ist für den Herbst geplant", True),
        ("Themen werden jeden Monat geplant und mit der Geschäftsleitung abgestimmt", False),
        ("Bauherren planen ihre Häuser bei uns in einer offenen Gruppe mit", False),
    ],
)
def test_plans_wishes_and_past_states_are_not_todays_reality(clause: str, aspiration: bool) -> None:
    assert is_aspiration(clause) is aspiration


@pytest.mark.parametrize(
    ("clause", "past"),
    [
        ("We used to have a social media team", True),
        ("Früher gab es einen Redaktionsplan", True),
        ("Three years ago each department had its own account", True),
        ("Vor fünf Jahren hatten wir eine Facebook-Seite", True),
        ("Vor ein paar Jahren hatte jede Filiale eine eigene Seite", True),
        ("Originally the press office looked after it on the side", True),
        ("Wir hatten mal eine Facebook-Seite für die Buchhandlung", True),
        ("We once had a page that an intern set up", True),
        ("We had a Facebook page until 2020", True),
        ("Bis 2019 hatten wir eine eigene Seite", True),
        ("Until 2030 we run the channels with an agency", False),
        ("Until last year we had a proper social team", True),
        ("Bis letztes Jahr hatten wir ein Team", True),
        ("Wir posten mal hier, mal da", False),
        ("Unsere Strategie wurde vor drei Jahren neu ausgerichtet", False),
        ("Two years ago we set up a social media team", False),
        ("For some years now our community has voted on new products", False),
        ("Seit einigen Jahren entscheiden wir das mit der Community", False),
        ("Vor jeder Kampagne sprechen wir mit dem Service", False),
    ],
)
def test_past_states_are_recognised(clause: str, past: bool) -> None:
    assert is_past(clause) is past


@pytest.mark.parametrize(
    ("sentence", "pasts"),
    [
        (
            "Five years ago we were a typical mess – every team had its own accounts and nobody talked to each other.",
            [True, True],
        ),
        ("Früher hatte jede Filiale eine eigene Seite, heute steuert die Zentrale alle Kanäle.", [True, False]),
        ("We used to have a page for each region, but nobody looks after any of them.", [True, False]),
        ("Früher war das Chaos; inzwischen gibt es ein Team mit drei Leuten.", [True, False]),
        ("Fifteen years ago, the board wouldn't let anyone near Twitter.", [True, True]),
        ("Back in 2016 the trainees ran a blog for us, but it died after a year.", [True, True]),
        ("Vor zehn Jahren durfte bei uns niemand ohne Freigabe posten.", [True]),
        ("Unser Podcast ist eingeschlafen, aber Instagram läuft gut.", [True, False]),
        ("Two years ago we set up a central team.", [False]),
        ("Seit 2018 haben wir eine Social-Media-Managerin.", [False]),
    ],
)
def test_a_past_or_ended_state_covers_its_sentence_unless_it_turns_to_today(sentence: str, pasts: list[bool]) -> None:
    assert [clause.past for clause in read_sentence(sentence)] == pasts


@pytest.mark.parametrize(
    ("clause", "private"),
    [
        ("A few of our therapists have personal Instagram accounts", True),
        ("i have a personal insta where i post sketches", True),
        ("Manche Pflegekräfte teilen unsere Stellenanzeigen privat auf Facebook", True),
        ("Employees aren't allowed to mention us on their private profiles", True),
        ("my niece sometimes puts photos of our cakes on her own Instagram", True),
        ("Wir haben zwei Leute Personal für Social Media", False),
        ("Marketing and a few stores each run their own Instagram accounts", False),
        ("Our CEO personally answers customers on LinkedIn", False),
    ],
)
def test_private_accounts_are_recognised(clause: str, private: bool) -> None:
    assert is_private(clause) is private


def test_a_sentence_splits_at_contrasts_but_keeps_short_parts_together() -> None:
    assert clauses_of("We have Instagram and LinkedIn, but nobody owns them.") == [
        "We have Instagram and LinkedIn",
        "nobody owns them",
    ]
    assert clauses_of("Our intern, when she has time.") == ["Our intern, when she has time"]
    # Short parts joined at the start keep their commas, which tell listed negations apart.
    assert [clause.text for clause in read_sentence("Kein Facebook, kein Instagram, nix.")] == [
        "Kein Facebook, kein Instagram, nix"
    ]


@pytest.mark.parametrize(
    ("sentence", "parts"),
    [
        (
            "There is no budget, no tool of our own, no training at all",
            ["There is no budget", "no tool of our own", "no training at all"],
        ),
        (
            "Kein neues Produkt geht raus, ohne dass die Community es vorher testet",
            ["Kein neues Produkt geht raus, ohne dass die Community es vorher testet"],
        ),
        (
            "Es gibt keinen Kanal, für den niemand zuständig ist",
            ["Es gibt keinen Kanal, für den niemand zuständig ist"],
        ),
        (
            "Wenn andere Abteilungen etwas posten wollen, läuft das über uns",
            ["Wenn andere Abteilungen etwas posten wollen, läuft das über uns"],
        ),
    ],
)
def test_list_items_are_read_alone_but_a_subordinate_clause_stays_with_its_clause(
    sentence: str, parts: list[str]
) -> None:
    assert [clause.text for clause in read_sentence(sentence)] == parts
    assert len({clause.negated for clause in read_sentence(sentence)}) == 1


@pytest.mark.parametrize(
    ("clause", "unsure"),
    [
        ("I don't know", True),
        ("not sure tbh", True),
        ("Weiß ich nicht", True),
        ("Ich bin mir nicht sicher", True),
        ("We don't really know what social media is supposed to achieve for us", False),
        ("Nobody knows who owns the accounts", False),
    ],
)
def test_not_knowing_is_recognised(clause: str, unsure: bool) -> None:
    assert is_unsure(clause) is unsure


@pytest.mark.parametrize(
    ("clause", "question"),
    [
        ("Budget for social?", True),
        ("is that a strategy?", True),
        ("Wer ist bei euch zuständig?", True),
        ("We have a team of three, right?", False),
        ("Zwei Kolleginnen betreuen unsere Kanäle mit eigenem Budget, reicht das?", False),
        ("We have a team of three", False),
    ],
)
def test_a_question_is_recognised(clause: str, question: bool) -> None:
    assert is_question(clause) is question


@pytest.mark.parametrize(
    ("sentence", "aspirations"),
    [
        ("Nächstes Jahr zeigen wir vielleicht unser Team auf TikTok, aber das ist noch offen.", [True, True]),
        ("We might open a LinkedIn page next year, but that is not decided.", [True, True]),
        ("We post twice a week, and that works well.", [False, False]),
    ],
)
def test_a_short_clause_that_points_back_keeps_what_its_predecessor_is(sentence: str, aspirations: list[bool]) -> None:
    assert [clause.aspiration for clause in read_sentence(sentence)] == aspirations


@pytest.mark.parametrize(
    "sentence",
    ["Ich frage mich oft, ob wir so Kundschaft verlieren.", "I sometimes wonder whether we lose applicants that way."],
)
def test_wondering_aloud_says_nothing_about_the_company(sentence: str) -> None:
    assert read_sentence(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "view"),
    [
        ("Unsere Geschäftsführung hält Facebook für Spielerei.", True),
        ("The founders think LinkedIn is a waste of time.", True),
        ("Der Chef sagt immer, Kunden kämen über die Messe.", True),
        ("Our management team reviews the KPIs every month.", False),
        ("Wir sagen unseren Kunden offen, wenn etwas schiefläuft.", False),
    ],
)
def test_the_leaderships_view_of_social_media_is_read_as_culture(sentence: str, view: bool) -> None:
    assert all(clause.view == view for clause in read_sentence(sentence))


@pytest.mark.parametrize(
    ("sentence", "clauses"),
    [
        (
            "Ausgaben für Social Media werden an Geschäftsergebnissen gemessen, nicht an Likes.",
            ["Ausgaben für Social Media werden an Geschäftsergebnissen gemessen, nicht an Likes"],
        ),
        ("The budget is judged on bookings, not on likes.", ["The budget is judged on bookings, not on likes"]),
        (
            "We picked LinkedIn, Instagram and TikTok deliberately for our buyers.",
            ["We picked LinkedIn, Instagram and TikTok deliberately for our buyers"],
        ),
        (
            "Wir sind bewusst auf zwei Kanälen, nämlich Instagram und LinkedIn.",
            ["Wir sind bewusst auf zwei Kanälen, nämlich Instagram und LinkedIn"],
        ),
        ("No budget, no tools, no training.", ["No budget, no tools, no training"]),
        ("Es gibt keinen Redaktionsplan, keine Freigabe, kein Monitoring.", None),
    ],
)
def test_a_contrast_an_apposition_or_an_enumeration_of_names_stays_in_its_clause(
    sentence: str, clauses: list[str] | None
) -> None:
    parts = read_sentence(sentence)
    if clauses is None:  # a list of what is missing is still negated
        assert parts and all(part.negated for part in parts)
    else:
        assert [part.text for part in parts] == clauses
        assert not any(part.negated for part in parts) or sentence.startswith("No ")


@pytest.mark.parametrize(
    ("clause", "negated"),
    [
        ("Complaints on Facebook sit unanswered for weeks", True),
        ("Nachrichten im Postfach bleiben ungelesen", True),
        ("No complaint stays unanswered for longer than two hours", False),
        ("Keine Beschwerde bleibt unbeantwortet", False),
        ("We answer every comment", False),
    ],
)
def test_what_nobody_did_said_in_one_word_is_a_negation(clause: str, negated: bool) -> None:
    assert is_negated(clause) is negated


@pytest.mark.parametrize(
    ("clause", "past"),
    [
        ("Vor zehn Jahren hat noch eine Werbeagentur unsere Facebookseite betreut", True),
        ("Ten years ago an agency still ran our Facebook page", True),
        ("Vor drei Jahren haben wir die Strategie neu ausgerichtet", False),
        ("We still post every day", False),
    ],
)
def test_a_time_ago_with_still_is_a_past_state(clause: str, past: bool) -> None:
    assert is_past(clause) is past


@pytest.mark.parametrize(
    ("clause", "central"),
    [
        ("The practice groups don't run their own pages", True),
        ("Regional teams can't open their own accounts", True),
        ("Our stores may not open their own pages", True),
        ("eigene Accounts haben sie nicht", True),
        ("Keine Filiale hat eigene Kanäle", True),
        ("Die Filialen dürfen keine eigenen Instagram-Accounts eröffnen", True),
        ("We have no accounts of our own", False),
        ("Wir haben keine eigenen Konten", False),
        ("Every branch runs its own page", False),
    ],
)
def test_departments_without_accounts_of_their_own_are_coordinated_centrally(clause: str, central: bool) -> None:
    assert is_central(clause) is central
