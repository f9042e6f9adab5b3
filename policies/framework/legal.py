"""Default legal references: the laws and codes the source document lists, in a
Québec and Canadian setting. Every one starts as awaiting review by counsel."""

LEGAL_REFERENCES = [
    {
        "slug": "qc-consumer-protection-act",
        "kind": "law",
        "jurisdiction": "CA-QC",
        "title_fr": "Loi sur la protection du consommateur (RLRQ, c. P-40.1)",
        "title_en": "Consumer Protection Act (CQLR, c. P-40.1)",
        "url": "https://www.legisquebec.gouv.qc.ca/fr/document/lc/P-40.1",
        "summary_fr": (
            "Interdit les représentations fausses ou trompeuses et encadre la "
            "publicité, y compris la publicité destinée aux enfants de moins de "
            "13 ans (art. 248 et 249)."
        ),
        "summary_en": (
            "Prohibits false or misleading representations and regulates "
            "advertising, including advertising directed at children under 13 "
            "(ss. 248 and 249)."
        ),
    },
    {
        "slug": "qc-youth-protection-act",
        "kind": "law",
        "jurisdiction": "CA-QC",
        "title_fr": "Loi sur la protection de la jeunesse (RLRQ, c. P-34.1)",
        "title_en": "Youth Protection Act (CQLR, c. P-34.1)",
        "url": "https://www.legisquebec.gouv.qc.ca/fr/document/lc/P-34.1",
        "summary_fr": (
            "Protège la sécurité et le développement des mineurs ; interdit "
            "notamment de divulguer des renseignements permettant d'identifier un "
            "enfant visé par la loi."
        ),
        "summary_en": (
            "Protects the security and development of minors; among other things, "
            "forbids disclosing information that identifies a child under the Act."
        ),
    },
    {
        "slug": "ca-advertising-standards-code",
        "kind": "code",
        "jurisdiction": "CA",
        "title_fr": "Code canadien des normes de la publicité",
        "title_en": "Canadian Code of Advertising Standards",
        "url": "https://adstandards.ca/code/the-code-online/",
        "summary_fr": (
            "Norme d'autoréglementation de l'industrie : véracité, divulgation des "
            "liens importants, publicité destinée aux enfants, dénigrement."
        ),
        "summary_en": (
            "The industry's self-regulatory standard: accuracy, disclosure of "
            "material connections, advertising to children, disparagement."
        ),
    },
    {
        "slug": "ca-competition-act",
        "kind": "law",
        "jurisdiction": "CA",
        "title_fr": "Loi sur la concurrence (L.R.C. 1985, ch. C-34)",
        "title_en": "Competition Act (R.S.C. 1985, c. C-34)",
        "url": "https://laws-lois.justice.gc.ca/eng/acts/C-34/",
        "summary_fr": (
            "Indications fausses ou trompeuses et pratiques commerciales "
            "trompeuses, dont les témoignages et recommandations sans divulgation "
            "des liens avec l'annonceur."
        ),
        "summary_en": (
            "False or misleading representations and deceptive marketing, "
            "including testimonials and endorsements that hide ties with the "
            "advertiser."
        ),
    },
    {
        "slug": "ca-copyright-act",
        "kind": "law",
        "jurisdiction": "CA",
        "title_fr": "Loi sur le droit d'auteur (L.R.C. 1985, ch. C-42)",
        "title_en": "Copyright Act (R.S.C. 1985, c. C-42)",
        "url": "https://laws-lois.justice.gc.ca/eng/acts/C-42/",
        "summary_fr": (
            "Droits exclusifs des auteurs ; régime d'avis et avis pour les "
            "intermédiaires en ligne."
        ),
        "summary_en": (
            "Authors' exclusive rights; notice-and-notice regime for online "
            "intermediaries."
        ),
    },
    {
        "slug": "ca-trademarks-act",
        "kind": "law",
        "jurisdiction": "CA",
        "title_fr": "Loi sur les marques de commerce (L.R.C. 1985, ch. T-13)",
        "title_en": "Trademarks Act (R.S.C. 1985, c. T-13)",
        "url": "https://laws-lois.justice.gc.ca/eng/acts/T-13/",
        "summary_fr": "Usage des marques d'autrui ; dépréciation de l'achalandage.",
        "summary_en": "Use of others' marks; depreciation of goodwill.",
    },
    {
        "slug": "qc-civil-code-reputation-privacy",
        "kind": "law",
        "jurisdiction": "CA-QC",
        "title_fr": "Code civil du Québec, art. 3, 35 à 41 et 1457",
        "title_en": "Civil Code of Québec, arts. 3, 35 to 41 and 1457",
        "url": "https://www.legisquebec.gouv.qc.ca/fr/document/lc/CCQ-1991",
        "summary_fr": (
            "Droit au respect de la réputation et de la vie privée ; la "
            "diffamation engage la responsabilité civile de son auteur."
        ),
        "summary_en": (
            "Right to the respect of one's reputation and privacy; defamation "
            "engages its author's civil liability."
        ),
    },
    {
        "slug": "qc-charter-of-rights",
        "kind": "law",
        "jurisdiction": "CA-QC",
        "title_fr": "Charte des droits et libertés de la personne (RLRQ, c. C-12)",
        "title_en": "Charter of Human Rights and Freedoms (CQLR, c. C-12)",
        "url": "https://www.legisquebec.gouv.qc.ca/fr/document/lc/C-12",
        "summary_fr": (
            "Sauvegarde de la dignité, de l'honneur et de la réputation (art. 4) "
            "et respect de la vie privée (art. 5) ; interdiction de la "
            "discrimination (art. 10)."
        ),
        "summary_en": (
            "Safeguard of dignity, honour and reputation (s. 4), respect for "
            "private life (s. 5); prohibition of discrimination (s. 10)."
        ),
    },
    {
        "slug": "ca-criminal-code",
        "kind": "law",
        "jurisdiction": "CA",
        "title_fr": "Code criminel (L.R.C. 1985, ch. C-46)",
        "title_en": "Criminal Code (R.S.C. 1985, c. C-46)",
        "url": "https://laws-lois.justice.gc.ca/eng/acts/C-46/",
        "summary_fr": (
            "Proférer des menaces (art. 264.1), libelle diffamatoire (art. 298 à "
            "301), obscénité et pornographie juvénile (art. 163 et 163.1), "
            "propagande haineuse (art. 319)."
        ),
        "summary_en": (
            "Uttering threats (s. 264.1), defamatory libel (ss. 298 to 301), "
            "obscenity and child pornography (ss. 163 and 163.1), hate propaganda "
            "(s. 319)."
        ),
    },
    {
        "slug": "qc-private-sector-privacy-act",
        "kind": "law",
        "jurisdiction": "CA-QC",
        "title_fr": (
            "Loi sur la protection des renseignements personnels dans le secteur "
            "privé (RLRQ, c. P-39.1)"
        ),
        "title_en": (
            "Act respecting the protection of personal information in the private "
            "sector (CQLR, c. P-39.1)"
        ),
        "url": "https://www.legisquebec.gouv.qc.ca/fr/document/lc/P-39.1",
        "summary_fr": (
            "Collecte, utilisation et communication des renseignements personnels ; "
            "responsable de la protection, incidents de confidentialité."
        ),
        "summary_en": (
            "Collection, use and disclosure of personal information; the person in "
            "charge of protection, confidentiality incidents."
        ),
    },
    {
        "slug": "ca-pipeda",
        "kind": "law",
        "jurisdiction": "CA",
        "title_fr": (
            "Loi sur la protection des renseignements personnels et les documents "
            "électroniques (L.C. 2000, ch. 5)"
        ),
        "title_en": (
            "Personal Information Protection and Electronic Documents Act "
            "(S.C. 2000, c. 5)"
        ),
        "url": "https://laws-lois.justice.gc.ca/eng/acts/P-8.6/",
        "summary_fr": (
            "Renseignements personnels recueillis dans le cadre d'activités "
            "commerciales interprovinciales ou internationales."
        ),
        "summary_en": (
            "Personal information collected in interprovincial or international "
            "commercial activities."
        ),
    },
    {
        "slug": "ca-anti-spam-legislation",
        "kind": "law",
        "jurisdiction": "CA",
        "title_fr": "Loi canadienne anti-pourriel (L.C. 2010, ch. 23)",
        "title_en": "Canada's Anti-Spam Legislation (S.C. 2010, c. 23)",
        "url": "https://laws-lois.justice.gc.ca/eng/acts/E-1.6/",
        "summary_fr": (
            "Encadre l'envoi de messages électroniques commerciaux : consentement, "
            "identification de l'expéditeur, désabonnement."
        ),
        "summary_en": (
            "Regulates commercial electronic messages: consent, sender "
            "identification, unsubscribe."
        ),
    },
    {
        "slug": "qc-securities-act",
        "kind": "law",
        "jurisdiction": "CA-QC",
        "title_fr": "Loi sur les valeurs mobilières (RLRQ, c. V-1.1)",
        "title_en": "Securities Act (CQLR, c. V-1.1)",
        "url": "https://www.legisquebec.gouv.qc.ca/fr/document/lc/V-1.1",
        "summary_fr": (
            "Information privilégiée et opérations d'initiés ; toute information "
            "importante doit d'abord être diffusée par communiqué, jamais en "
            "réponse à un commentaire."
        ),
        "summary_en": (
            "Privileged information and insider trading; material information is "
            "first released by news release, never in reply to a comment."
        ),
    },
    {
        "slug": "womma-code-of-ethics",
        "kind": "code_of_ethics",
        "jurisdiction": "INT",
        "title_fr": "Code d'éthique de la Word of Mouth Marketing Association (WOMMA)",
        "title_en": "Word of Mouth Marketing Association (WOMMA) Code of Ethics",
        "url": "",
        "summary_fr": (
            "Honnêteté de la relation, de l'opinion et de l'identité : les liens "
            "entre une marque et ses porte-parole sont divulgués."
        ),
        "summary_en": (
            "Honesty of relationship, opinion and identity: ties between a brand "
            "and those who speak for it are disclosed."
        ),
    },
    {
        "slug": "prsa-code-of-ethics",
        "kind": "code_of_ethics",
        "jurisdiction": "INT",
        "title_fr": "Code d'éthique de la Public Relations Society of America (PRSA)",
        "title_en": "Public Relations Society of America (PRSA) Code of Ethics",
        "url": "https://www.prsa.org/about/prsa-code-of-ethics",
        "summary_fr": (
            "Libre circulation de l'information, divulgation des commanditaires et "
            "des intérêts financiers, protection des renseignements confidentiels."
        ),
        "summary_en": (
            "Free flow of information, disclosure of sponsors and financial "
            "interests, safeguarding confidences."
        ),
    },
]
