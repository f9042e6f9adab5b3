"""Default notices published on every platform: disclaimer, privacy, netiquette.

``{organisation}`` is left for managers to replace with their own name when they
adapt the texts in the admin."""

NOTICES = [
    {
        "kind": "disclaimer",
        "language": "fr",
        "title": "Avis de non-responsabilité",
        "body": """\
Les commentaires publiés sur nos pages de médias sociaux expriment l'opinion de leurs
auteurs et non celle de l'organisation.

- Nous ne sommes pas responsables des propos tenus par des tiers ni des liens qu'ils
  publient.
- Les renseignements que nous publions sont donnés à titre informatif ; ils ne
  remplacent pas un avis professionnel.
- Un « j'aime », un partage ou un abonnement de notre part ne constitue pas une
  approbation.
- Nos liens avec des tiers (experts, employés, partenaires) sont divulgués dans
  notre [registre des liens](/disclosures/).
""",
    },
    {
        "kind": "disclaimer",
        "language": "en",
        "title": "Disclaimer",
        "body": """\
Comments posted on our social media pages express the opinion of their authors, not
that of the organisation.

- We are not responsible for what third parties say or for the links they post.
- The information we publish is for information only; it does not replace
  professional advice.
- A like, a share or a follow from us is not an endorsement.
- Our ties with third parties (experts, employees, partners) are disclosed in our
  [registry of ties](/disclosures/?lang=en).
""",
    },
    {
        "kind": "privacy",
        "language": "fr",
        "title": "Avis de confidentialité",
        "body": """\
Les plateformes de médias sociaux sont publiques : ne publiez jamais vos
renseignements personnels (adresse, numéro de téléphone, numéro d'assurance sociale,
numéro de carte, renseignements de santé) ni ceux d'autrui.

- Nous recueillons seulement ce qui est nécessaire pour répondre à votre demande,
  et nous vous invitons à poursuivre en message privé.
- Les commentaires qui contiennent des renseignements personnels sont masqués.
- Les renseignements que vous nous transmettez en privé sont traités selon la *Loi
  sur la protection des renseignements personnels dans le secteur privé* du Québec.
- Pour exercer vos droits d'accès ou de rectification, écrivez à notre responsable
  de la protection des renseignements personnels.
""",
    },
    {
        "kind": "privacy",
        "language": "en",
        "title": "Privacy notice",
        "body": """\
Social media platforms are public: never post your personal information (address,
phone number, social insurance number, card number, health information) or anyone
else's.

- We collect only what we need to answer your request, and we invite you to carry
  on by private message.
- Comments that contain personal information are hidden.
- Information you send us privately is handled under Québec's *Act respecting the
  protection of personal information in the private sector*.
- To exercise your rights of access or correction, write to our privacy officer.
""",
    },
    {
        "kind": "netiquette",
        "language": "fr",
        "title": "Nétiquette",
        "body": """\
Nos pages sont un lieu d'échange. Nous y répondons rapidement, y compris la fin de
semaine, et nous attendons de chacun le respect des règles suivantes.

Nous masquons ou retirons, sans préavis, les contenus :

1. offensants, injurieux ou haineux ;
2. qui dénigrent l'organisation, des concurrents ou d'autres personnes ;
3. calomnieux ou diffamatoires ;
4. à caractère sexuel ;
5. de sollicitation commerciale ou de pourriel ;
6. menaçants ;
7. qui font état d'une activité potentiellement illégale ;
8. qui violent le droit d'auteur ou les marques de commerce ;
9. qui divulguent des renseignements sur nos employés ;
10. qui divulguent de l'information financière, confidentielle ou sur la santé.

La critique est la bienvenue lorsqu'elle est respectueuse. Les personnes qui ont
un lien avec nous (employés, experts rémunérés, partenaires) l'indiquent dans leurs
commentaires. Les auteurs qui enfreignent ces règles à répétition peuvent être
bloqués.
""",
    },
    {
        "kind": "netiquette",
        "language": "en",
        "title": "Netiquette",
        "body": """\
Our pages are a place for conversation. We answer quickly, weekends included, and
we ask everyone to follow these rules.

We hide or remove, without notice, content that:

1. is offensive, abusive or hateful;
2. denigrates the organisation, competitors or other people;
3. is calumnious or defamatory;
4. is sexual;
5. is commercial solicitation or spam;
6. is threatening;
7. refers to potentially illegal activity;
8. infringes copyright or trademarks;
9. discloses information about our employees;
10. discloses financial, confidential or health information.

Criticism is welcome when it is respectful. People who have a tie with us
(employees, paid experts, partners) say so in their comments. Authors who break
these rules repeatedly may be blocked.
""",
    },
]
