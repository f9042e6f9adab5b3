"""The default program's lessons and question bank, written from the rulebook.

Plain Python over plain data: the caller passes the published rules as dicts
(``rule_facts``) and the notices; nothing here reads the database, so the texts
can be checked alone. Lessons are Markdown; comment examples are quoted as code
so that no Markdown or HTML in them takes effect.
"""

import random
import re

DEFAULT_PROGRAM = {
    "slug": "social-media-response",
    "name_fr": "Répondre sur les médias sociaux",
    "name_en": "Answering on social media",
    "description": "Rules, tone, law and escalation.",
    "validity_months": 12,
}

ACTIONS = {
    "answer": ("Répondre publiquement", "Answer in public"),
    "hide": ("Masquer le commentaire", "Hide the comment"),
    "delete": (
        "Supprimer le commentaire, sur confirmation d'un gestionnaire",
        "Delete the comment, once a manager confirms",
    ),
    "escalate_legal": (
        "Escalader au conseiller juridique",
        "Escalate to legal counsel",
    ),
    "escalate_manager": ("Escalader à un gestionnaire", "Escalate to a manager"),
    "no_action": ("Ne rien faire", "Do nothing"),
}
SEVERITIES = {
    "low": ("faible", "low"),
    "medium": ("moyenne", "medium"),
    "high": ("élevée", "high"),
    "critical": ("critique", "critical"),
}


_CODE_SPAN = re.compile(r"(`[^`]*`)")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_SPACE_BEFORE = re.compile(r" (?=[:;?!»])")
_SPACE_AFTER = re.compile(r"(?<=«) ")


def french(text):
    """Return ``text`` set as French is printed: the typographic apostrophe,
    and a non-breaking space before ``: ; ? ! »`` and after ``«``.

    Code spans (quoted comments, what a rule catches) stay as written.
    """
    parts = _CODE_SPAN.split(text)
    for index in range(0, len(parts), 2):
        part = _APOSTROPHE.sub("\u2019", parts[index])
        part = _SPACE_BEFORE.sub("\u00a0", part)
        parts[index] = _SPACE_AFTER.sub("\u00a0", part)
    return "".join(parts)


def _french_fields(data, fields=("title_fr", "body_fr")):
    return {**data, **{f: french(data[f]) for f in fields if f in data}}


def _quote(text):
    """Return ``text`` as inline code, so Markdown in a comment stays text."""
    text = text.replace("`", "'")
    return f"`{text}`"


def rule_lesson(rule):
    """Return the lesson fields of one rule (a dict of ``rule_facts``)."""
    bodies = {}
    for code, index in (("fr", 0), ("en", 1)):
        fr = code == "fr"
        lines = [
            f"## {'Description' if fr else 'Description'}",
            rule[f"description_{code}"],
            "",
            f"## {'Que faire' if fr else 'What to do'}",
            rule[f"guidance_{code}"] or ("—"),
            "",
            f"- {'Action prévue' if fr else 'Planned action'}\u00a0: "
            if fr
            else "- Planned action: ",
        ]
        lines[-1] += ACTIONS[rule["action"]][index]
        severity = SEVERITIES[rule["severity"]][index]
        lines.append(
            f"- Gravité\u00a0: {severity}" if fr else f"- Severity: {severity}"
        )
        lines.append(
            (
                "- Réponse soumise à approbation\u00a0: toujours"
                if rule["requires_approval"]
                else "- Réponse soumise à approbation\u00a0: selon votre délégation"
            )
            if fr
            else (
                "- Answer needs approval: always"
                if rule["requires_approval"]
                else "- Answer needs approval: depending on your delegation"
            )
        )
        lines += ["", "## " + ("Références juridiques" if fr else "Legal references")]
        if rule["legal"]:
            for title_fr, title_en, url in rule["legal"]:
                title = title_fr if fr else title_en
                lines.append(f"- [{title}]({url})" if url else f"- {title}")
        else:
            lines.append("- " + ("Aucune" if fr else "None"))
        lines += ["", "## " + ("Exemples visés" if fr else "Examples it catches")]
        examples = rule["examples"].get(code) or []
        lines += [f"- {_quote(e)}" for e in examples] or ["- —"]
        lines += [
            "",
            "## "
            + (
                "Ressemblances qui ne sont pas visées"
                if fr
                else "Look-alikes it does not catch"
            ),
        ]
        look_alikes = rule["look_alikes"].get(code) or []
        lines += [f"- {_quote(e)}" for e in look_alikes] or [
            "- "
            + (
                "Un mot de la liste employé dans un autre sens, par exemple cité "
                "ou nié, demande votre jugement."
                if fr
                else "A listed word used in another sense, for example quoted or "
                "denied, calls for your judgement."
            )
        ]
        bodies[code] = "\n".join(lines) + "\n"
    return {
        "slug": f"rule-{rule['slug']}",
        "kind": "rule",
        "rule_slug": rule["slug"],
        "title_fr": french(rule["name_fr"]),
        "title_en": rule["name_en"],
        "body_fr": french(bodies["fr"]),
        "body_en": bodies["en"],
    }


PROCEDURES = [
    {
        "slug": "procedure-delegation",
        "title_fr": "La délégation\u00a0: répondre sans approbation",
        "title_en": "Delegation: answering without approval",
        "body_fr": (
            "Un gestionnaire vous accorde une délégation pour des canaux, des "
            "catégories et une gravité maximale. Elle exige l'accréditation de ce "
            "programme à un niveau donné.\n\n"
            "- Tant que votre accréditation est valide, vos réponses dans ce "
            "périmètre sont publiées aussitôt.\n"
            "- L'accréditation s'obtient en réussissant l'examen, sans intervention "
            "d'un gestionnaire\u00a0; elle expire à la date affichée dans *Ma "
            "formation*.\n"
            "- Hors périmètre, ou si une règle exige toujours l'approbation, la "
            "réponse part en approbation.\n"
        ),
        "body_en": (
            "A manager grants you a delegation for some channels, categories and a "
            "highest severity. It requires this program's accreditation at a given "
            "level.\n\n"
            "- While your accreditation is valid, your answers within that scope are "
            "published at once.\n"
            "- You earn the accreditation by passing the exam, with no manager "
            "involved; it expires on the date shown in *My training*.\n"
            "- Outside the scope, or when a rule always requires approval, the "
            "answer goes to approval.\n"
        ),
    },
    {
        "slug": "procedure-approval",
        "title_fr": "L'approbation",
        "title_en": "Approval",
        "body_fr": (
            "Une réponse soumise à approbation attend qu'un approbateur la lise. Il "
            "l'approuve et elle est publiée, ou il la renvoie avec un motif\u00a0: "
            "corrigez-la et soumettez-la de nouveau. Le délai d'approbation est "
            "suivi\u00a0; les approbateurs sont prévenus d'un retard.\n"
        ),
        "body_en": (
            "An answer that needs approval waits for an approver to read it. They "
            "approve it and it is published, or send it back with a reason: correct "
            "it and submit it again. The approval delay is tracked; approvers are "
            "told when it runs late.\n"
        ),
    },
    {
        "slug": "procedure-weekend-coverage",
        "title_fr": "La couverture du soir et de la fin de semaine",
        "title_en": "Evening and weekend coverage",
        "body_fr": (
            "Les canaux ouverts en tout temps ont une personne de garde le soir et "
            "la fin de semaine, inscrite à l'horaire de la page *Couverture*. Un "
            "commentaire qui arrive alors lui est attribué. Une menace ou une "
            "urgence s'escalade aussitôt au gestionnaire de garde, même la nuit.\n"
        ),
        "body_en": (
            "Channels open at all hours have someone on call in the evening and at "
            "the weekend, on the rota of the *Coverage* page. A comment that arrives "
            "then goes to them. A threat or an emergency is escalated at once to the "
            "manager on call, even at night.\n"
        ),
    },
]

# Written with plain apostrophes and spaces; set as French prints them.
PROCEDURES = [_french_fields(procedure) for procedure in PROCEDURES]


def notice_lesson(kind, notices):
    """Return the lesson of one kind of notice, ``notices`` keyed by language."""
    fr, en = notices.get("fr"), notices.get("en")
    fr, en = fr or en, en or fr
    return {
        "slug": f"notice-{kind}",
        "kind": "notice",
        "rule_slug": "",
        "title_fr": french(fr["title"]),
        "title_en": en["title"],
        "body_fr": french(fr["body"]),
        "body_en": en["body"],
    }


def rule_questions(rule, others):
    """Return three questions on ``rule``: its scope, its action, its approval.

    ``others`` are the other rules, from which wrong options are drawn, in a
    fixed order so that the bank is the same at each generation.
    """
    picker = random.Random(rule["slug"])  # noqa: S311 - not security, a stable pick
    distractors = picker.sample(others, min(3, len(others)))
    slug = rule["slug"]
    scope = {
        "slug": f"{slug}-scope",
        "kind": "knowledge",
        "topic": "rule",
        "rule_slug": slug,
        "prompt_fr": "Quelle règle vise ce type de commentaire\u00a0: "
        f"« {rule['description_fr']} »\u00a0?",
        "prompt_en": f"Which rule covers this kind of comment: “{rule['description_en']}”?",
        "explanation_fr": f"C'est la règle « {rule['name_fr']} ». {rule['guidance_fr']}",
        "explanation_en": f"It is the rule “{rule['name_en']}”. {rule['guidance_en']}",
        "choices": [(rule["name_fr"], rule["name_en"], True)]
        + [(o["name_fr"], o["name_en"], False) for o in distractors],
    }
    action = {
        "slug": f"{slug}-action",
        "kind": "knowledge",
        "topic": "escalation" if rule["action"].startswith("escalate") else "rule",
        "rule_slug": slug,
        "prompt_fr": "Que prévoit le règlement pour un commentaire visé par la règle "
        f"« {rule['name_fr']} »\u00a0?",
        "prompt_en": f"What does the rulebook do with a comment under “{rule['name_en']}”?",
        "explanation_fr": f"Action prévue\u00a0: {ACTIONS[rule['action']][0]}. "
        f"{rule['guidance_fr']}",
        "explanation_en": f"Planned action: {ACTIONS[rule['action']][1]}. "
        f"{rule['guidance_en']}",
        "choices": [
            (fr, en, key == rule["action"])
            for key, (fr, en) in ACTIONS.items()
            if key != "no_action"
        ],
    }
    always = rule["requires_approval"]
    approval = {
        "slug": f"{slug}-approval",
        "kind": "scenario",
        "topic": "procedure",
        "rule_slug": slug,
        "prompt_fr": "Samedi, 23 h, un commentaire sur Facebook relève de la règle "
        f"« {rule['name_fr']} ». Vous avez une délégation qui couvre sa catégorie "
        "et sa gravité. Pouvez-vous répondre sans approbation\u00a0?",
        "prompt_en": "Saturday, 11 pm, a comment on Facebook falls under the rule "
        f"“{rule['name_en']}”. Your delegation covers its category and severity. "
        "May you answer without approval?",
        "explanation_fr": (
            "Non\u00a0: cette règle exige toujours une approbation, délégation ou non."
            if always
            else "Oui\u00a0: la règle n'exige pas d'approbation et votre délégation "
            "couvre le commentaire, tant que votre accréditation est valide."
        ),
        "explanation_en": (
            "No: this rule always requires approval, delegation or not."
            if always
            else "Yes: the rule does not require approval and your delegation covers "
            "the comment, as long as your accreditation is valid."
        ),
        "choices": [
            (
                "Oui, si mon accréditation est valide",
                "Yes, if my accreditation is valid",
                not always,
            ),
            (
                "Non, cette règle exige toujours une approbation",
                "No, this rule always requires approval",
                always,
            ),
            (
                "Non, jamais la fin de semaine",
                "No, never at the weekend",
                False,
            ),
        ],
    }
    return [scope, action, approval]


def _q(slug, kind, topic, prompt, explanation, choices):
    return {
        "slug": slug,
        "kind": kind,
        "topic": topic,
        "rule_slug": "",
        "prompt_fr": prompt[0],
        "prompt_en": prompt[1],
        "explanation_fr": explanation[0],
        "explanation_en": explanation[1],
        "choices": choices,
    }


GENERAL_QUESTIONS = [
    _q(
        "ties-own-employee", "scenario", "ties",
        (
            "Un commentaire élogieux vient d'un compte qui appartient à un employé, "
            "sans le dire. Que faites-vous\u00a0?",
            "A glowing comment comes from an account that belongs to an employee, "
            "who does not say so. What do you do?",
        ),
        (
            "Un lien non divulgué trompe le public\u00a0: escaladez au gestionnaire, "
            "qui demande la divulgation ou le retrait.",
            "An undisclosed tie misleads the public: escalate to a manager, who asks "
            "for disclosure or removal.",
        ),
        [
            ("L'escalader à un gestionnaire", "Escalate it to a manager", True),
            ("Le remercier publiquement", "Thank them in public", False),
            ("Le laisser sans rien faire", "Leave it and do nothing", False),
        ],
    ),
    _q(
        "ties-register", "knowledge", "ties",
        (
            "Où le public voit-il les liens de l'organisation avec des tiers\u00a0?",
            "Where does the public see the organisation's ties with third parties?",
        ),
        (
            "Dans le registre des liens publié, que les avis renvoient.",
            "In the published register of ties, which the notices point to.",
        ),
        [
            ("Dans le registre des liens publié", "In the published register of ties", True),
            ("Nulle part, c'est confidentiel", "Nowhere, it is confidential", False),
            ("Dans chaque réponse", "In every answer", False),
        ],
    ),
    _q(
        "ties-expert-paid", "scenario", "ties",
        (
            "Un expert que l'organisation rémunère défend votre position dans les "
            "commentaires. Pouvez-vous partager son message\u00a0?",
            "An expert the organisation pays defends your position in the comments. "
            "May you share their post?",
        ),
        (
            "Seulement si le lien est divulgué\u00a0: un partage n'est pas une "
            "approbation, mais taire le lien trompe le public.",
            "Only if the tie is disclosed: a share is not an endorsement, but hiding "
            "the tie misleads the public.",
        ),
        [
            ("Oui, si le lien est divulgué", "Yes, if the tie is disclosed", True),
            ("Oui, sans condition", "Yes, without condition", False),
            ("Non, jamais", "No, never", False),
        ],
    ),
    _q(
        "personal-data-phone", "scenario", "personal_data",
        (
            "Un citoyen publie son numéro de téléphone et son adresse pour être "
            "rappelé. Que faites-vous\u00a0?",
            "A citizen posts their phone number and address to be called back. What "
            "do you do?",
        ),
        (
            "Masquez le commentaire pour protéger ses renseignements personnels et "
            "invitez-le à écrire en privé.",
            "Hide the comment to protect their personal information and invite them "
            "to write privately.",
        ),
        [
            (
                "Masquer et l'inviter à écrire en privé",
                "Hide it and invite them to write privately",
                True,
            ),
            ("Le rappeler et répondre en public", "Call back and answer in public", False),
            ("Ne rien faire", "Do nothing", False),
        ],
    ),
    _q(
        "personal-data-employee", "knowledge", "personal_data",
        (
            "Un commentaire nomme une employée et donne son horaire. Quelle règle "
            "s'applique\u00a0?",
            "A comment names an employee and gives her schedule. Which rule applies?",
        ),
        (
            "Les renseignements sur un employé\u00a0: masquez, avec approbation.",
            "Employee information: hide it, with approval.",
        ),
        [
            ("Renseignements sur un employé", "Employee information", True),
            ("Dénigrement", "Denigration", False),
            ("Sollicitation commerciale", "Commercial solicitation", False),
        ],
    ),
    _q(
        "personal-data-practice", "knowledge", "personal_data",
        (
            "Dans les exercices sur des cas réels, que voyez-vous des auteurs\u00a0?",
            "In practice on real cases, what do you see of the authors?",
        ),
        (
            "Rien\u00a0: les renseignements personnels sont masqués.",
            "Nothing: personal information is masked.",
        ),
        [
            ("Rien, ils sont masqués", "Nothing, they are masked", True),
            ("Leur nom et leur photo", "Their name and photo", False),
            ("Leur adresse courriel", "Their e-mail address", False),
        ],
    ),
    _q(
        "escalation-threat-night", "scenario", "escalation",
        (
            "Dimanche, 2 h, un commentaire menace de s'en prendre à un bureau. Que "
            "faites-vous\u00a0?",
            "Sunday, 2 am, a comment threatens to attack an office. What do you do?",
        ),
        (
            "Une menace s'escalade aussitôt au gestionnaire de garde, même la nuit\u00a0; "
            "ne répondez pas.",
            "A threat is escalated at once to the manager on call, even at night; do "
            "not answer it.",
        ),
        [
            (
                "L'escalader aussitôt au gestionnaire de garde",
                "Escalate it at once to the manager on call",
                True,
            ),
            ("Attendre lundi matin", "Wait until Monday morning", False),
            ("Répondre pour calmer l'auteur", "Answer to calm the author", False),
        ],
    ),
    _q(
        "escalation-defamation", "scenario", "escalation",
        (
            "Un commentaire accuse nommément le directeur de fraude. Pouvez-vous "
            "répondre vous-même\u00a0?",
            "A comment accuses the director, by name, of fraud. May you answer it "
            "yourself?",
        ),
        (
            "Non\u00a0: des propos possiblement diffamatoires vont au conseiller "
            "juridique, et toute réponse exige une approbation.",
            "No: possibly defamatory remarks go to legal counsel, and any answer "
            "needs approval.",
        ),
        [
            ("Non, je l'escalade au conseiller juridique", "No, I escalate it to legal counsel", True),
            ("Oui, pour démentir", "Yes, to deny it", False),
            ("Oui, en le masquant", "Yes, by hiding it", False),
        ],
    ),
    _q(
        "procedure-expired", "knowledge", "procedure",
        (
            "Votre accréditation a expiré hier. Que deviennent vos réponses\u00a0?",
            "Your accreditation expired yesterday. What happens to your answers?",
        ),
        (
            "Elles partent en approbation jusqu'à ce que vous réussissiez de nouveau "
            "l'examen.",
            "They go to approval until you pass the exam again.",
        ),
        [
            ("Elles partent en approbation", "They go to approval", True),
            ("Elles sont publiées comme avant", "They are published as before", False),
            ("Je ne peux plus répondre du tout", "I can no longer answer at all", False),
        ],
    ),
    _q(
        "procedure-sent-back", "knowledge", "procedure",
        (
            "Un approbateur renvoie votre réponse avec un motif. Que faites-vous\u00a0?",
            "An approver sends your answer back with a reason. What do you do?",
        ),
        (
            "Corrigez-la selon le motif et soumettez-la de nouveau.",
            "Correct it as the reason says and submit it again.",
        ),
        [
            ("La corriger et la soumettre de nouveau", "Correct it and submit it again", True),
            ("La publier quand même", "Publish it anyway", False),
            ("Abandonner le commentaire", "Drop the comment", False),
        ],
    ),
]  # fmt: skip


def bank(rules):
    """Return every default question: three per rule, then the general ones."""
    questions = []
    for rule in rules:
        others = [r for r in rules if r["slug"] != rule["slug"]]
        questions += rule_questions(rule, others)
    return [
        {
            **question,
            "prompt_fr": french(question["prompt_fr"]),
            "explanation_fr": french(question["explanation_fr"]),
            "choices": [
                (french(fr), en, correct) for fr, en, correct in question["choices"]
            ],
        }
        for question in questions + GENERAL_QUESTIONS
    ]
