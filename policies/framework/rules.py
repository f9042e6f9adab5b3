"""The default rulebook: the ten situations of the source document, plus
undisclosed ties, in French and English, with a starter lexicon.

Keywords are base forms: the matcher finds plurals and feminines itself.
``keywords`` and ``wildcards`` are space-separated; ``phrases`` and
``grammars`` (patterns with slots, see ``policies.framework.grammars``) one per
item. ``exception_examples`` are comments, per language, that the rule's
``exceptions`` let through: its lesson shows them as the look-alikes it does
not catch (a test checks each against the matcher).
"""

from policies.framework.grammars import (
    FRAUD_EN,
    FRAUD_FR,
    INSULTS_EN,
    INSULTS_FR,
    INTENSIFIERS,
    THREATS_EN,
    THREATS_FR,
)

RULES = [
    {
        "slug": "offensive-content",
        "category": "offensive",
        "severity": "medium",
        "action": "hide",
        "requires_approval": False,
        "name_fr": "Contenu offensant",
        "name_en": "Offensive content",
        "description_fr": (
            "Insultes, injures, grossièretés et propos haineux visant une personne, "
            "un groupe ou l'organisation."
        ),
        "description_en": (
            "Insults, abuse, profanity and hateful remarks aimed at a person, a "
            "group or the organisation."
        ),
        "guidance_fr": (
            "Masquez le commentaire selon la nétiquette. Ne répondez pas sur le même "
            "ton. Si l'auteur soulève aussi un vrai problème, répondez à ce problème "
            "seulement, en rappelant la nétiquette. Propos haineux visant un groupe "
            "protégé : escaladez au gestionnaire."
        ),
        "guidance_en": (
            "Hide the comment under the netiquette. Never answer in kind. If the "
            "author also raises a real problem, answer that problem only and point "
            "to the netiquette. Hate aimed at a protected group: escalate to a "
            "manager."
        ),
        "legal": ["qc-charter-of-rights", "ca-criminal-code"],
        "exceptions": INTENSIFIERS,
        # Comments the exceptions let through, for the rule's lesson: a swear
        # word used for emphasis, not aimed at anyone.
        "exception_examples": {
            "fr": [
                "Putain que c'est beau, ce spectacle !",
                "Merde, enfin une bonne nouvelle !",
            ],
            "en": [
                "This is fucking great, thank you!",
                "Oh fuck, I left my ticket at home.",
                "Fuck yeah, see you on Saturday!",
            ],
        },
        "grammars": {"fr": INSULTS_FR, "en": INSULTS_EN},
        "keywords": {
            "fr": (
                "con connard connasse crétin débile idiot imbécile abruti salaud "
                "salope enfoiré ordure merde merdique putain pute bâtard enculé "
                "fumier minable pourriture dégénéré taré tocard bouffon cinglé "
                "pétasse couillon trouduc charogne raclure gogol attardé mongol "
                "niaiseux"
            ),
            "en": (
                "idiot moron stupid dumb jerk asshole bastard bitch dickhead "
                "douchebag fucker motherfucker prick retard scumbag "
                "shithead slut twat wanker imbecile cretin dipshit "
                "jackass dumbass whore cunt"
            ),
        },
        "wildcards": {"fr": "enfoir* connar*", "en": "fuck*"},
        "phrases": {
            "fr": [
                "ta gueule",
                "ferme ta gueule",
                "va te faire foutre",
                "nique ta mère",
                "fils de pute",
                "espèce d'idiot",
                "bande de cons",
                "va chier",
            ],
            "en": [
                "shut up",
                "go to hell",
                "piece of shit",
                "son of a bitch",
                "screw you",
                "kiss my ass",
                "go fuck yourself",
            ],
        },
        "templates": {
            "fr": (
                "Rappel de la nétiquette",
                "Bonjour, nous tenons à des échanges respectueux. Votre commentaire "
                "a été masqué parce qu'il ne respecte pas notre nétiquette. Si vous "
                "avez une question ou une plainte, nous y répondrons avec plaisir.",
            ),
            "en": (
                "Netiquette reminder",
                "Hello, we want this space to stay respectful. Your comment was "
                "hidden because it does not follow our netiquette. If you have a "
                "question or a complaint, we will gladly answer it.",
            ),
        },
    },
    {
        "slug": "denigration",
        "category": "denigration",
        "severity": "low",
        "action": "answer",
        "requires_approval": False,
        "name_fr": "Dénigrement de l'organisation ou de concurrents",
        "name_en": "Denigration of the organisation or of competitors",
        "description_fr": (
            "Critiques méprisantes de l'organisation, de ses produits, de son "
            "personnel, de concurrents ou d'autres organisations, sans accusation "
            "de faits précis."
        ),
        "description_en": (
            "Contemptuous criticism of the organisation, its products, its staff, "
            "competitors or other organisations, without accusing them of specific "
            "facts."
        ),
        "guidance_fr": (
            "La critique est permise : répondez vite, avec faits et empathie, et "
            "proposez de poursuivre en privé. Ne dénigrez jamais un concurrent en "
            "retour. Laissez le commentaire visible sauf s'il enfreint une autre "
            "règle."
        ),
        "guidance_en": (
            "Criticism is allowed: answer quickly, with facts and empathy, and offer "
            "to continue privately. Never disparage a competitor in return. Leave "
            "the comment visible unless it breaks another rule."
        ),
        "legal": ["ca-advertising-standards-code", "ca-trademarks-act"],
        "exceptions": "au pire\nau pire des cas\nworst case\nworst-case",
        "exception_examples": {
            "fr": [
                "Au pire, je repasserai demain.",
                "Au pire des cas, j'appellerai lundi.",
            ],
            "en": [
                "Worst case, I'll call again on Monday.",
                "Worst-case scenario, I'll pick it up next week.",
            ],
        },
        "keywords": {
            "fr": (
                "pire minable honteux lamentable incompétent médiocre pitoyable "
                "catastrophique scandaleux boycott boycottez nullité dépotoir "
                "amateur risible déplorable inadmissible inacceptable "
                "navrant ridicule"
            ),
            "en": (
                "worst pathetic incompetent useless terrible awful disgraceful "
                "shameful boycott garbage rubbish ripoff laughable amateurish "
                "unacceptable appalling horrible dreadful clowns joke"
            ),
        },
        "wildcards": {"fr": "incompéten*", "en": "incompeten*"},
        "phrases": {
            "fr": [
                "à éviter",
                "fuyez cette",
                "n'achetez pas",
                "service pourri",
                "pire entreprise",
                "bande d'incompétents",
                "de la merde",
                "ne faites pas affaire",
                "jamais plus",
                "perte de temps",
            ],
            "en": [
                "stay away",
                "avoid at all costs",
                "don't buy",
                "worst company",
                "rip off",
                "bunch of clowns",
                "waste of money",
                "never again",
                "waste of time",
            ],
        },
        "templates": {
            "fr": (
                "Réponse à une critique",
                "Merci de nous faire part de votre expérience ; nous sommes désolés "
                "qu'elle vous ait déçu. Pourriez-vous nous écrire en message privé "
                "avec quelques détails ? Nous voulons comprendre et corriger ce qui "
                "doit l'être.",
            ),
            "en": (
                "Answer to criticism",
                "Thank you for telling us about your experience; we are sorry it "
                "disappointed you. Could you send us a private message with a few "
                "details? We want to understand and fix what needs fixing.",
            ),
        },
    },
    {
        "slug": "defamation",
        "category": "defamation",
        "severity": "high",
        "action": "escalate_legal",
        "requires_approval": True,
        "name_fr": "Calomnie ou diffamation",
        "name_en": "Calumny or defamation",
        "description_fr": (
            "Accusations de faits précis (vol, fraude, corruption, crime) qui "
            "peuvent porter atteinte à la réputation d'une personne ou d'une "
            "organisation."
        ),
        "description_en": (
            "Accusations of specific facts (theft, fraud, corruption, crime) that "
            "may harm the reputation of a person or an organisation."
        ),
        "guidance_fr": (
            "Ne confirmez ni ne niez les faits en public. Ne reprenez pas "
            "l'accusation dans votre réponse. Transmettez aux affaires juridiques ; "
            "la réponse publique, s'il y en a une, doit être approuvée."
        ),
        "guidance_en": (
            "Neither confirm nor deny the facts in public. Do not repeat the "
            "accusation in your answer. Pass it to legal affairs; any public answer "
            "must be approved."
        ),
        "legal": [
            "qc-civil-code-reputation-privacy",
            "qc-charter-of-rights",
            "ca-criminal-code",
        ],
        "exceptions": "",
        "keywords": {
            "fr": (
                "escroc voleur menteur fraudeur corrompu corruption magouille "
                "magouilleur arnaqueur criminel mafieux fraude détournement "
                "escroquerie truand bandit pédophile harceleur falsification "
                "complice malhonnête véreux fraudeux crosseur voleux"
            ),
            "en": (
                "crook thief thieves liar fraudster scammer corrupt "
                "bribe bribery embezzle embezzlement criminal swindler cheat "
                "cheater kickback pedophile harasser dishonest felon racketeer"
            ),
        },
        "wildcards": {"fr": "escroqu* corromp*", "en": "embezzl* defraud*"},
        "grammars": {"fr": FRAUD_FR, "en": FRAUD_EN},
        "phrases": {
            "fr": [
                "pot de vin",
                "pots de vin",
                "ont volé",
                "a volé",
                "vole ses clients",
                "détourne des fonds",
                "sont des voleurs",
                "est un escroc",
                "a menti",
                "couvre des abus",
                "fraude fiscale",
                "blanchit de l'argent",
            ],
            "en": [
                "stole from",
                "is a criminal",
                "cooking the books",
                "cover up",
                "money laundering",
                "lied to",
                "is a fraud",
                "on the take",
                "ripping off customers",
            ],
        },
        "templates": {
            "fr": (
                "Accusation grave",
                "Nous prenons ce type d'allégation au sérieux. Pour en discuter, "
                "écrivez-nous en message privé ; nous ne pouvons pas traiter ce "
                "sujet publiquement.",
            ),
            "en": (
                "Serious accusation",
                "We take allegations of this kind seriously. To discuss it, please "
                "send us a private message; we cannot deal with this matter in "
                "public.",
            ),
        },
    },
    {
        "slug": "sexual-content",
        "category": "sexual",
        "severity": "high",
        "action": "hide",
        "requires_approval": False,
        "name_fr": "Contenu à caractère sexuel",
        "name_en": "Sexual content",
        "description_fr": (
            "Propos, images ou liens à caractère sexuel ou pornographique, "
            "sollicitations sexuelles. Tout contenu sexuel impliquant un mineur est "
            "signalé aux autorités."
        ),
        "description_en": (
            "Sexual or pornographic remarks, images or links, sexual solicitation. "
            "Any sexual content involving a minor is reported to the authorities."
        ),
        "guidance_fr": (
            "Masquez sans répondre. Si un mineur est en cause, conservez la preuve, "
            "ne la partagez pas et escaladez immédiatement au gestionnaire."
        ),
        "guidance_en": (
            "Hide without answering. If a minor is involved, keep the evidence, do "
            "not share it and escalate to a manager at once."
        ),
        "legal": ["ca-criminal-code", "qc-youth-protection-act"],
        "exceptions": "",
        "keywords": {
            "fr": (
                "porno pornographie pornographique nichon bite sodomie fellation "
                "partouze branlette masturbation érotique xxx cochonne salace "
                "sextape échangiste bandant obscène"
            ),
            "en": (
                "porn porno pornography nude nudes naked xxx blowjob handjob dick "
                "cock pussy boobs tits horny erotic orgasm masturbate sexting "
                "onlyfans camgirl milf"
            ),
        },
        "wildcards": {"fr": "pornogra* masturb*", "en": "pornogra* masturbat*"},
        "phrases": {
            "fr": [
                "photos nues",
                "sexe gratuit",
                "plan cul",
                "webcam sexy",
                "envoie des nudes",
                "rencontres coquines",
            ],
            "en": [
                "send nudes",
                "hot singles",
                "sexy webcam",
                "free sex",
                "adult dating",
                "hook up tonight",
            ],
        },
        "templates": {
            "fr": (
                "Contenu masqué",
                "Ce commentaire a été masqué parce qu'il contrevient à notre "
                "nétiquette.",
            ),
            "en": (
                "Content hidden",
                "This comment was hidden because it breaks our netiquette.",
            ),
        },
    },
    {
        "slug": "commercial-solicitation",
        "category": "solicitation",
        "severity": "low",
        "action": "hide",
        "requires_approval": False,
        "name_fr": "Sollicitation commerciale",
        "name_en": "Commercial solicitation",
        "description_fr": (
            "Publicité, pourriel, liens promotionnels, offres d'argent facile ou "
            "d'investissement publiés par des tiers."
        ),
        "description_en": (
            "Advertising, spam, promotional links, easy-money or investment offers "
            "posted by third parties."
        ),
        "guidance_fr": (
            "Masquez le message. Ne cliquez pas sur les liens. Si le même compte "
            "récidive, signalez-le à la plateforme."
        ),
        "guidance_en": (
            "Hide the message. Do not click its links. If the same account does it "
            "again, report it to the platform."
        ),
        "legal": ["ca-anti-spam-legislation", "ca-competition-act"],
        "exceptions": "",
        "keywords": {
            "fr": (
                "promo rabais gratuit gagnez crypto bitcoin investissez whatsapp "
                "telegram casino forex soldes abonnez concours cryptomonnaie "
                "prêteur remboursement"
            ),
            "en": (
                "discount giveaway crypto bitcoin forex casino whatsapp telegram "
                "viagra loan cashback betting sweepstakes coupon promo"
            ),
        },
        "wildcards": {"fr": "cryptomonn*", "en": "cryptocurr*"},
        "phrases": {
            "fr": [
                "code promo",
                "cliquez ici",
                "argent facile",
                "travail à domicile",
                "revenu passif",
                "offre exclusive",
                "écrivez moi en privé",
                "contactez moi en privé",
                "lien dans ma bio",
                "suivez moi",
                "prêt rapide",
                "devenez riche",
            ],
            "en": [
                "buy now",
                "click here",
                "free money",
                "work from home",
                "passive income",
                "promo code",
                "dm me",
                "check my profile",
                "link in bio",
                "follow me",
                "subscribe to my channel",
                "limited offer",
                "make money fast",
            ],
        },
        "regexes": {
            "fr": [r"\d+\s?\$\s?(?:par|/)\s?(?:jour|semaine)"],
            "en": [r"\$\s?\d+\s?(?:per|a|/)\s?(?:day|week)"],
        },
        "detectors": ["url"],
        "templates": {
            "fr": (
                "Pourriel masqué",
                "Ce message publicitaire a été masqué : notre page n'accepte pas la "
                "sollicitation commerciale.",
            ),
            "en": (
                "Spam hidden",
                "This advertising message was hidden: our page does not accept "
                "commercial solicitation.",
            ),
        },
    },
    {
        "slug": "threats",
        "category": "threat",
        "severity": "critical",
        "action": "escalate_manager",
        "requires_approval": True,
        "name_fr": "Menaces",
        "name_en": "Threats",
        "description_fr": (
            "Menaces de mort, de violence, de dommages aux biens ou d'attentat "
            "contre une personne, le personnel ou l'organisation."
        ),
        "description_en": (
            "Threats of death, violence, damage to property or attack against a "
            "person, the staff or the organisation."
        ),
        "guidance_fr": (
            "Ne répondez pas à l'auteur. Faites une capture d'écran, conservez le "
            "lien et escaladez au gestionnaire de garde immédiatement, à toute "
            "heure. En cas de danger imminent, composez le 911."
        ),
        "guidance_en": (
            "Do not answer the author. Take a screenshot, keep the link and "
            "escalate to the manager on duty at once, at any hour. If danger is "
            "imminent, call 911."
        ),
        "legal": ["ca-criminal-code"],
        "exceptions": "",
        "keywords": {
            "fr": "tuerie attentat kalachnikov explosif lyncher",
            "en": "behead explosive lynch gunman arson",
        },
        "grammars": {"fr": THREATS_FR, "en": THREATS_EN},
        "phrases": {
            "fr": [
                "je sais où tu habites",
                "je sais où vous habitez",
                "vous êtes morts",
                "t'es mort",
                "gare à vous",
                "vous le regretterez",
                "régler votre compte",
            ],
            "en": [
                "you're dead",
                "i know where you live",
                "watch your back",
                "hunt you down",
                "slit your throat",
                "i will kill you",
                "i'm going to kill you",
            ],
        },
        "templates": {
            "fr": (
                "Menace signalée",
                "Ce message a été transmis à notre équipe de sécurité.",
            ),
            "en": (
                "Threat reported",
                "This message has been passed to our security team.",
            ),
        },
    },
    {
        "slug": "illegal-activity",
        "category": "illegal",
        "severity": "high",
        "action": "escalate_legal",
        "requires_approval": True,
        "name_fr": "Activité potentiellement illégale",
        "name_en": "Potentially illegal activity",
        "description_fr": (
            "Vente de drogues ou d'armes, piratage informatique, contrefaçon, "
            "fraude, blanchiment, incitation à commettre une infraction."
        ),
        "description_en": (
            "Sale of drugs or weapons, hacking, counterfeiting, fraud, laundering, "
            "incitement to commit an offence."
        ),
        "guidance_fr": (
            "Masquez le contenu, conservez la preuve et transmettez aux affaires "
            "juridiques. Toute réponse publique doit être approuvée."
        ),
        "guidance_en": (
            "Hide the content, keep the evidence and pass it to legal affairs. Any "
            "public answer must be approved."
        ),
        "legal": ["ca-criminal-code", "ca-competition-act"],
        "exceptions": "",
        "keywords": {
            "fr": (
                "drogue cocaïne héroïne dealer piratage pirater contrefaçon "
                "blanchiment trafic trafiquant fentanyl méthamphétamine "
                "hameçonnage rançongiciel contrebande"
            ),
            "en": (
                "cocaine heroin meth fentanyl dealer hacking counterfeit "
                "trafficking smuggling ddos phishing ransomware bootleg contraband"
            ),
        },
        "wildcards": {"fr": "blanchi*", "en": "launder*"},
        "phrases": {
            "fr": [
                "vente de drogue",
                "faux papiers",
                "faux billets",
                "blanchiment d'argent",
                "évasion fiscale",
                "armes à vendre",
                "travail au noir",
                "cartes volées",
                "numéros de carte",
                "piratage de compte",
                "mot de passe volé",
            ],
            "en": [
                "drugs for sale",
                "hack into",
                "fake id",
                "fake ids",
                "tax evasion",
                "stolen cards",
                "stolen credit cards",
                "guns for sale",
                "without a license",
                "under the table",
                "cracked software",
            ],
        },
        "templates": {
            "fr": (
                "Contenu retiré",
                "Ce message a été masqué : il fait état d'une activité "
                "potentiellement illégale.",
            ),
            "en": (
                "Content removed",
                "This message was hidden: it refers to potentially illegal activity.",
            ),
        },
    },
    {
        "slug": "copyright-violation",
        "category": "copyright",
        "severity": "medium",
        "action": "escalate_legal",
        "requires_approval": True,
        "name_fr": "Violation du droit d'auteur",
        "name_en": "Copyright violation",
        "description_fr": (
            "Œuvres publiées sans autorisation, liens de téléchargement illégal, "
            "usage abusif de marques de commerce, plagiat."
        ),
        "description_en": (
            "Works posted without permission, illegal download links, misuse of "
            "trademarks, plagiarism."
        ),
        "guidance_fr": (
            "Ne republiez jamais l'œuvre. Demandez la source et l'autorisation ; "
            "sur plainte d'un titulaire de droits, masquez et transmettez aux "
            "affaires juridiques."
        ),
        "guidance_en": (
            "Never repost the work. Ask for the source and the permission; when a "
            "rights holder complains, hide it and pass it to legal affairs."
        ),
        "legal": ["ca-copyright-act", "ca-trademarks-act"],
        "exceptions": "",
        "keywords": {
            "fr": ("piraté torrent plagiat plagier contrefaçon crack warez"),
            "en": (
                "copyright copyrighted pirated piracy torrent plagiarism plagiarized "
                "cracked warez dmca infringement"
            ),
        },
        "wildcards": {"fr": "plagi*", "en": "plagiari*"},
        "phrases": {
            "fr": [
                "droit d'auteur",
                "droits d'auteur",
                "téléchargement illégal",
                "copie illégale",
                "sans autorisation",
                "sans permission",
                "photo volée",
                "image volée",
                "marque déposée",
                "lien de téléchargement",
                "version crackée",
                "film complet",
                "streaming gratuit",
            ],
            "en": [
                "all rights reserved",
                "illegal download",
                "without permission",
                "stolen photo",
                "stolen image",
                "trademark infringement",
                "full movie",
                "free download",
                "watch free",
                "download link",
            ],
        },
        "templates": {
            "fr": (
                "Source et autorisation",
                "Merci pour ce partage. Pourriez-vous nous indiquer la source de ce "
                "contenu et confirmer que vous avez l'autorisation de le publier ?",
            ),
            "en": (
                "Source and permission",
                "Thank you for sharing. Could you tell us where this content comes "
                "from and confirm that you have permission to post it?",
            ),
        },
    },
    {
        "slug": "employee-information",
        "category": "employee_info",
        "severity": "high",
        "action": "hide",
        "requires_approval": True,
        "name_fr": "Renseignements sur les employés",
        "name_en": "Information about employees",
        "description_fr": (
            "Divulgation de renseignements personnels sur des employés : adresse, "
            "numéro de téléphone, courriel personnel, NAS, salaire, situation "
            "familiale, dossier disciplinaire."
        ),
        "description_en": (
            "Disclosure of employees' personal information: address, phone number, "
            "personal e-mail, SIN, salary, family situation, disciplinary record."
        ),
        "guidance_fr": (
            "Masquez immédiatement. Ne confirmez pas qu'une personne travaille chez "
            "nous. Prévenez la personne concernée et le responsable de la protection "
            "des renseignements personnels."
        ),
        "guidance_en": (
            "Hide at once. Do not confirm that a person works here. Tell the person "
            "concerned and the privacy officer."
        ),
        "legal": [
            "qc-private-sector-privacy-act",
            "ca-pipeda",
            "qc-civil-code-reputation-privacy",
        ],
        "exceptions": "",
        "keywords": {
            "fr": "salaire congédié matricule licencié",
            "en": "salary fired payroll",
        },
        "wildcards": {},
        "phrases": {
            "fr": [
                "adresse personnelle",
                "numéro personnel",
                "son adresse",
                "son numéro",
                "elle habite",
                "il habite",
                "cette employée",
                "cet employé",
                "votre employée",
                "votre employé",
                "mis à la porte",
                "en arrêt de travail",
                "en congé de maladie",
                "dossier disciplinaire",
                "sa femme",
                "son mari",
                "ses enfants",
            ],
            "en": [
                "home address",
                "personal number",
                "her address",
                "his address",
                "lives at",
                "your employee",
                "that employee",
                "sick leave",
                "disciplinary record",
                "employee id",
                "his wife",
                "her husband",
                "her kids",
                "his phone number",
            ],
        },
        "detectors": ["email", "phone", "sin"],
        "templates": {
            "fr": (
                "Renseignements personnels retirés",
                "Ce commentaire a été masqué parce qu'il contenait des "
                "renseignements personnels. Merci de ne pas publier ce type "
                "d'information.",
            ),
            "en": (
                "Personal information removed",
                "This comment was hidden because it contained personal information. "
                "Please do not post information of this kind.",
            ),
        },
    },
    {
        "slug": "confidential-information",
        "category": "confidential_info",
        "severity": "high",
        "action": "hide",
        "requires_approval": True,
        "name_fr": "Information financière, confidentielle ou sur la santé",
        "name_en": "Financial, confidential or health information",
        "description_fr": (
            "Information financière non publiée, documents internes, secrets "
            "d'affaires, numéros de carte ou de compte, information sur la santé "
            "des employés."
        ),
        "description_en": (
            "Unreleased financial information, internal documents, trade secrets, "
            "card or account numbers, information about employees' health."
        ),
        "guidance_fr": (
            "Masquez immédiatement et ne commentez pas le contenu. Transmettez aux "
            "affaires juridiques et, pour la santé, au responsable de la protection "
            "des renseignements personnels. Aucune information importante n'est "
            "divulguée en réponse à un commentaire."
        ),
        "guidance_en": (
            "Hide at once and do not comment on the content. Pass it to legal "
            "affairs and, for health, to the privacy officer. No material "
            "information is ever disclosed in reply to a comment."
        ),
        "legal": [
            "qc-securities-act",
            "qc-private-sector-privacy-act",
            "ca-pipeda",
        ],
        "exceptions": "",
        "keywords": {
            "fr": (
                "confidentiel initié fusion acquisition diagnostic maladie cancer "
                "dépression burnout prévisions"
            ),
            "en": (
                "confidential insider merger acquisition earnings forecast "
                "diagnosis cancer depression burnout leaked leak password"
            ),
        },
        "wildcards": {},
        "phrases": {
            "fr": [
                "document interne",
                "note interne",
                "résultats financiers",
                "délit d'initié",
                "chiffre d'affaires",
                "dossier médical",
                "état de santé",
                "épuisement professionnel",
                "mot de passe",
                "numéro de compte",
            ],
            "en": [
                "internal memo",
                "internal document",
                "financial results",
                "insider trading",
                "medical record",
                "health condition",
                "account number",
                "trade secret",
            ],
        },
        "detectors": ["card", "iban", "sin"],
        "templates": {
            "fr": (
                "Information confidentielle retirée",
                "Ce commentaire a été masqué parce qu'il contenait de l'information "
                "confidentielle. Nous ne pouvons pas en discuter ici.",
            ),
            "en": (
                "Confidential information removed",
                "This comment was hidden because it contained confidential "
                "information. We cannot discuss it here.",
            ),
        },
    },
    {
        "slug": "undisclosed-tie",
        "category": "undisclosed_tie",
        "severity": "medium",
        "action": "escalate_manager",
        "requires_approval": True,
        "name_fr": "Lien non divulgué",
        "name_en": "Undisclosed tie",
        "description_fr": (
            "Un expert rétribué, un employé, un consommateur, une personnalité "
            "publique ou un groupe lié à l'organisation commente sans divulguer ce "
            "lien."
        ),
        "description_en": (
            "A paid expert, an employee, a consumer, a public figure or a group "
            "tied to the organisation comments without disclosing the tie."
        ),
        "guidance_fr": (
            "N'attendez pas d'être pris en défaut : répondez en divulguant le lien "
            "(« Précision : X est rémunéré par nous ») et rappelez à la personne "
            "d'ajouter la mention convenue."
        ),
        "guidance_en": (
            "Do not wait to be caught out: answer by disclosing the tie "
            '("For the record: X is paid by us") and remind the person to add the '
            "agreed marker."
        ),
        "legal": [
            "ca-competition-act",
            "ca-advertising-standards-code",
            "womma-code-of-ethics",
            "prsa-code-of-ethics",
        ],
        "exceptions": "",
        "disclosure_markers": (
            "#employé\n#employe\n#partenaire\n#commandite\n#pub\n#ambassadeur\n"
            "#ad\n#sponsored\n#partner\n#employee\n#ambassador"
        ),
        "keywords": {},
        "wildcards": {},
        "phrases": {},
        "templates": {
            "fr": (
                "Divulgation d'un lien",
                "Par souci de transparence : l'auteur de ce commentaire a un lien "
                "avec notre organisation. Notre registre des liens est public.",
            ),
            "en": (
                "Disclosure of a tie",
                "For transparency: the author of this comment has a tie with our "
                "organisation. Our registry of ties is public.",
            ),
        },
    },
]
