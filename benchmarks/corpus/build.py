# ruff: noqa: E501 (data: long lists of alternatives read better on one line)
"""Write ``corpus.tsv`` from the sentence frames below (run by hand, deterministic).

    .venv/bin/python benchmarks/corpus/build.py

Every frame and word list was written for this project. Each line of the
corpus is ``language<TAB>labels<TAB>text``; labels are the categories a
responder would flag (comma-separated, empty for a harmless comment).
"""

import csv
import itertools
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent

THREAT, INSULT, FRAUD = "threat", "offensive", "defamation"

# (language, labels, frames, fillers): {x} in a frame takes each filler.
FR_HARM = "tuer,buter,égorger,poignarder,défoncer,casser la gueule,faire la peau,retrouver,étrangler,tabasser".split(
    ","
)  # noqa: E501
EN_HARM = "kill,shoot,stab,hurt,strangle,beat up,murder,find,choke,destroy".split(",")
FR_INS = "con,cave,crétin,idiot,imbécile,abruti,connard,niaiseux,épais,minable,tarla,débile,taré,colon,nono".split(
    ","
)  # noqa: E501
EN_INS = "idiot,moron,clown,loser,jerk,asshole,fool,dumbass,imbecile,hypocrite,coward,creep".split(
    ","
)  # noqa: E501
EN_ADJ = "stupid,pathetic,useless,dumb,ignorant,worthless,clueless,disgusting".split(
    ","
)
FR_PLACE = "magasin,bureau,succursale,restaurant,usine,maison,char".split(",")
EN_PLACE = "store,office,branch,restaurant,house,warehouse,car".split(",")

GROUPS = [
    # -- threats --------------------------------------------------------------
    (
        "fr",
        THREAT,
        [
            "je vais te {x}",
            "Je vais vous {x}, vous allez voir",
            "on va te {x} mon gars",
            "j'vais te {x} si tu continues",
            "m'as te {x}",
            "Si tu reviens ici je vais te {x}.",
        ],
        FR_HARM,
    ),  # noqa: E501
    (
        "fr",
        THREAT,
        [
            "je vais mettre le feu à votre {x}",
            "on va brûler ton {x}",
            "je vais faire sauter votre {x}",
            "votre {x} va sauter ce soir",
            "quelqu'un va incendier votre {x}",
        ],
        FR_PLACE,
    ),  # noqa: E501
    (
        "fr",
        THREAT,
        [
            "je sais où tu habites",
            "je sais où vous travaillez, attendez-vous à une visite",
            "tu vas me le payer",
            "vous allez le regretter",
            "tu perds rien pour attendre",
            "t'es un homme mort",
            "vous êtes morts",
            "gare à vous",
            "je vais me venger",
            "je vais revenir avec mon fusil",
            "je vais venir avec un couteau",
            "tes jours sont comptés",
            "surveille tes arrières",
            "je te tuerai",
            "on vous retrouvera",
            "je vais te câlisser une volée",
            "je vais te péter la face",
            "vous allez voir de quel bois je me chauffe",
            "ça va mal finir pour toi",
            "on va régler ton cas",
        ],
        [""],
    ),  # noqa: E501
    (
        "en",
        THREAT,
        [
            "I'm going to {x} you",
            "I will {x} you",
            "I'll {x} you and your family",
            "we're gonna {x} you",
            "someone should {x} him",
            "I swear I'll {x} you",
            "If you post that again I will {x} you.",
        ],
        EN_HARM,
    ),  # noqa: E501
    (
        "en",
        THREAT,
        [
            "I'm going to burn down your {x}",
            "I will blow up your {x}",
            "we'll torch your {x}",
            "someone should set fire to your {x}",
            "I'm gonna shoot up your {x}",
        ],
        EN_PLACE,
    ),  # noqa: E501
    (
        "en",
        THREAT,
        [
            "I know where you live",
            "I know where your kids go to school",
            "you will pay for this",
            "you'll regret this",
            "you're a dead man",
            "watch your back",
            "your days are numbered",
            "I'll make you pay",
            "I'm coming with a gun",
            "I'll be there with my rifle",
            "I will hunt you down",
            "you're dead meat",
            "I'll find you",
            "sleep with one eye open",
            "you're going to pay for what you did",
            "I will get my revenge",
        ],
        [""],
    ),  # noqa: E501
    # -- threats said in ways the rulebook does not list (recall honesty) ---------
    (
        "fr",
        THREAT,
        [
            "je vais t'arracher la tête",
            "tu vas finir dans un fossé",
            "un jour je vais te faire du mal",
            "attends que je te pogne",
            "je vais t'ouvrir la gorge",
        ],
        [""],
    ),  # noqa: E501
    (
        "en",
        THREAT,
        [
            "I'm going to put you in the ground",
            "you won't live to see tomorrow",
            "one more word and you're gone for good",
            "I'll be waiting outside your office",
            "keep talking and see what happens to your shop",
        ],
        [""],
    ),  # noqa: E501
    # -- directed insults -----------------------------------------------------
    (
        "fr",
        INSULT,
        [
            "t'es un {x}",
            "tu es vraiment un {x}",
            "espèce de {x}",
            "mon {x}",
            "ferme-la, {x}",
            "sale {x}",
            "quel {x} celui-là",
            "ostie de {x}",
            "t'es juste un gros {x}",
            "vous êtes des {xs}",
        ],
        FR_INS,
    ),  # noqa: E501
    (
        "fr",
        INSULT,
        [
            "va chier",
            "mange de la marde",
            "ferme ta gueule",
            "mon tabarnak",
            "toé mon crisse",
            "va te faire foutre",
            "tu sers à rien",
            "vous me dégoûtez",
            "t'as rien dans la tête",
            "bande d'incapables",
        ],
        [""],
    ),  # noqa: E501
    (
        "en",
        INSULT,
        [
            "you are such an {x}",
            "you're an {x}",
            "what an {x}",
            "you {x}",
            "shut up you {x}",
            "you're nothing but an {x}",
            "what a bunch of {x}s",
        ],
        EN_INS,
    ),  # noqa: E501
    (
        "en",
        INSULT,
        [
            "you are so {x}",
            "you're {x}",
            "you people are {x}",
            "you're just {x}",
            "are you {x}?",
        ],
        EN_ADJ,
    ),  # noqa: E501
    (
        "en",
        INSULT,
        [
            "fuck you",
            "go fuck yourself",
            "screw you",
            "you suck",
            "shut your mouth",
            "you make me sick",
            "kiss my ass",
            "you have no brain",
        ],
        [""],
    ),  # noqa: E501
    # -- fraud accusations ----------------------------------------------------
    (
        "fr",
        FRAUD,
        [
            "c'est une arnaque",
            "vous êtes des arnaqueurs",
            "bande de fraudeurs",
            "vous m'avez arnaqué",
            "c'est du vol organisé",
            "ce sont des escrocs",
            "gang de voleurs",
            "vous êtes des crosseurs",
            "toute une arnaque ce concours",
            "ils m'ont volé 200 $",
            "c'est une fraude, rien d'autre",
            "vous êtes des voleux",
        ],
        [""],
    ),  # noqa: E501
    (
        "en",
        FRAUD,
        [
            "it's a scam",
            "this is a scam",
            "you are crooks",
            "you guys are scammers",
            "what a ripoff",
            "total scam",
            "they scammed me",
            "you stole from me",
            "this company is a fraud",
            "bunch of crooks",
            "you're thieves",
            "I got scammed by this store",
        ],
        [""],
    ),  # noqa: E501
    # -- hard negatives: negations and hypotheticals ------------------------
    (
        "fr",
        "",
        [
            "je ne vais pas te {x}",
            "je vais pas te {x}, calme-toi",
            "personne ne va te {x}",
            "il ne faut pas {x} les gens",
        ],
        FR_HARM,
    ),  # noqa: E501
    (
        "en",
        "",
        [
            "I'm not going to {x} you",
            "I would never {x} you",
            "nobody wants to {x} you",
            "don't {x} the messenger",
        ],
        EN_HARM,
    ),  # noqa: E501
    (
        "fr",
        "",
        [
            "si j'étais vous, je rappellerais le service client",
            "si j'étais toi je changerais de forfait",
            "au pire on verra demain",
        ],
        [""],
    ),  # noqa: E501
    (
        "en",
        "",
        [
            "if I were you I would call them back",
            "this heat is going to kill me",
            "I'm going to kill it at the interview",
            "that joke killed me",
            "you're killing it, great job",
            "I'd kill for a coffee right now",
            "shoot me an email",
            "the movie bombed at the box office",
            "this traffic is murder",
        ],
        [""],
    ),  # noqa: E501
    # -- hard negatives: quotations and reporting of threats --------------------
    (
        "fr",
        "",
        [
            "il m'a dit « je vais te {x} », j'ai appelé la police",
            "mon voisin a écrit qu'il allait me {x}, que dois-je faire ?",
            "Dans le film, le méchant crie « je vais te {x} »",
        ],
        FR_HARM,
    ),  # noqa: E501
    (
        "en",
        "",
        [
            'he said "I will {x} you" and I called the police',
            "someone wrote that they would {x} me, what should I do?",
            'the villain screams "I\'m going to {x} you" in the trailer',
        ],
        EN_HARM,
    ),  # noqa: E501
    # -- hard negatives: song lyrics ---------------------------------------
    (
        "fr",
        "",
        [
            "J'adore la chanson qui dit « tu m'as tuer »",
            "Les paroles « je vais t'aimer » me font pleurer",
            "Il chantait « on va danser jusqu'au matin »",
        ],
        [""],
    ),  # noqa: E501
    (
        "en",
        "",
        [
            'the song says "killing me softly" and I love it',
            "I keep singing 'I will survive' all day",
            "lyrics: 'we will, we will rock you'",
        ],
        [""],
    ),  # noqa: E501
    # -- hard negatives: intensifiers, sacres as exclamations -----------------
    (
        "en",
        "",
        [
            "this is {x} great",
            "{x} awesome service, thanks",
            "that was {x} delicious",
            "holy shit this is good",
            "{x} finally, it works",
        ],
        ["fucking", "freaking", "damn", "bloody"],
    ),  # noqa: E501
    (
        "fr",
        "",
        [
            "{x} que c'est bon",
            "c'est {x} de bon",
            "{x}, enfin livré !",
            "{x} que j'ai attendu longtemps",
        ],
        ["ostie", "tabarnak", "câlisse", "crisse", "putain"],
    ),  # noqa: E501
    # -- hard negatives: the organisation's own vocabulary ------------------------
    (
        "fr",
        "",
        [
            "Le {x} est ouvert jusqu'à 21 h",
            "Votre {x} du centre-ville a un nouveau service",
            "Merci au personnel du {x} de Laval",
            "Est-ce que le {x} accepte les retours ?",
        ],
        FR_PLACE,
    ),  # noqa: E501
    (
        "en",
        "",
        [
            "Is the {x} open on Sunday?",
            "Great service at your {x} downtown",
            "The {x} on Main Street was spotless",
            "Thanks to the team at the {x}",
        ],
        EN_PLACE,
    ),  # noqa: E501
    (
        "fr",
        "",
        [
            "Comment éviter les arnaques par courriel ?",
            "Votre équipe antifraude m'a aidé",
            "Attention aux faux sites qui imitent le vôtre",
            "Le cave à vin est magnifique",
            "Le contrat de service est clair",
            "Une technique de cuisson parfaite",
            "Le député a visité la succursale",
            "Un consommateur averti en vaut deux",
            "La connexion est lente ce matin",
            "On a tué le temps en attendant au comptoir",
        ],
        [""],
    ),  # noqa: E501
    (
        "en",
        "",
        [
            "How do I report a scam email pretending to be you?",
            "Your fraud team was very helpful",
            "Beware of fake accounts using your logo",
            "This class was great",
            "A shell company? No, a real shop",
            "Assassin's Creed is on sale",
            "The scullery door was open",
            "Great skill from your technician",
            "Killer deals this weekend!",
            "We tried the killer burger",
        ],
        [""],
    ),  # noqa: E501
    # -- hard negatives: sarcasm and plain criticism (denigration at most) --------
    (
        "fr",
        "",
        [
            "Bravo, trois semaines pour une livraison, quel exploit",
            "Super le service, encore une heure d'attente",
            "Merci pour rien",
            "Le produit est correct mais la livraison était en retard",
            "J'attends toujours mon remboursement",
        ],
        [""],
    ),  # noqa: E501
    (
        "en",
        "",
        [
            "Oh great, another delay, just what I needed",
            "Wow, amazing customer service, only two hours on hold",
            "Thanks for nothing",
            "The product is fine but delivery was late",
            "Still waiting for my refund",
        ],
        [""],
    ),  # noqa: E501
]

# Plain comments to reach a realistic share of harmless text.
FR_PLAIN = "bonjour merci pour votre réponse rapide je suis déçu du service depuis trois semaines personne ne me rappelle la facture est toujours pas corrigée le produit fonctionne bien mais la livraison était en retard".split()  # noqa: E501
EN_PLAIN = "hello thanks for your quick answer I am disappointed with customer service for three weeks nobody calls me back the invoice is still not fixed the product works well but the delivery was late".split()  # noqa: E501
PREFIXES_FR = ["", "Honnêtement, ", "Franchement ", "@Service ", "Écoute bien : "]
PREFIXES_EN = ["", "Honestly, ", "Seriously ", "@Support ", "Listen: "]


def plural(word):
    return word if word.endswith(("s", "x")) else word + "s"


def rows():
    seen = set()
    for language, labels, frames, fillers in GROUPS:
        prefixes = PREFIXES_FR if language == "fr" else PREFIXES_EN
        for frame, filler in itertools.product(frames, fillers):
            for prefix in prefixes[:2] if labels else prefixes[:1]:
                text = prefix + frame.format(x=filler, xs=plural(filler))
                if text not in seen:
                    seen.add(text)
                    yield language, labels, text
    rng = random.Random(21)
    for index in range(300):
        words = FR_PLAIN if index % 2 else EN_PLAIN
        text = " ".join(rng.sample(words, 12)).capitalize() + "."
        if text not in seen:
            seen.add(text)
            yield ("fr" if index % 2 else "en"), "", text


def main():
    with open(HERE / "corpus.tsv", "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(["language", "labels", "text"])
        count = 0
        for row in rows():
            writer.writerow(row)
            count += 1
    print(f"{count} sentences written")


if __name__ == "__main__":
    main()
