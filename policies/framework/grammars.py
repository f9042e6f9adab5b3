# ruff: noqa: E501 (data: long lists of alternatives read better on one line)
"""Grammar patterns of the default rulebook: threats, directed insults, fraud
accusations and swear words used as intensifiers.

Each pattern is words and slots in order (see ``policies.grammar``): a slot is
alternatives in parentheses, named for "Try it" (``who``, ``whom``, ``harm``,
``place``, ``insult``...) and optional with ``?``. The words of a pattern must
follow each other, so a negation or a hypothetical between them (``je ne vais
pas te tuer``, ``I'm not going to hurt you``) does not match, and a match in
quoted or reported speech (``il m'a dit « je vais te tuer »``) is not a threat.
"""


def _slot(name, words, *, optional=False):
    body = "|".join(words.split(",")) if "," in words else "|".join(words.split())
    return f"{name}:({body}){'?' if optional else ''}"


# -- threats, French (Québec usage included) --------------------------------------

_FR_WHO = (
    "je vais,j'vais,je vas,j'vas,j'va,m'as,on va,nous allons,je veux,j'veux,"
    "on veut,je vais aller,on va aller,je m'en vais,ils vont,il va,je peux,"
    "je vais finir par,on va finir par,je pourrais,quelqu'un va,je suis capable de"
)
_FR_KILL = (
    "tuer,buter,crever,égorger,poignarder,massacrer,flinguer,fusiller,abattre,"
    "étrangler,tabasser,lyncher,éliminer,décapiter,pendre,saigner,achever"
)
_FR_HARM_YOU = (
    "descendre,défoncer,frapper,péter la gueule,casser la gueule,péter la face,"
    "casser la face,péter la yeule,casser la yeule,faire la peau,trouver,retrouver,"
    "faire payer,faire regretter,brûler,planter,exploser,régler ton compte,"
    "régler votre compte,régler ton cas,sacrer une volée,câlisser une volée,"
    "crisser une volée,pogner,faire mal,casser les jambes,casser les dents,"
    "arracher la tête,ouvrir la gorge,tirer dessus,tirer une balle,mettre une balle,"
    "faire sauter la cervelle,casser la gueule"
)
_FR_PLACE = (
    "magasin,magasins,boutique,bureau,bureaux,maison,char,voiture,auto,commerce,"
    "restaurant,resto,usine,succursale,entrepôt,bâtiment,local,immeuble,siège social,"
    "école,place,dépanneur,épicerie,garage,clinique,caisse"
)

THREATS_FR = [
    f"{_slot('who', _FR_WHO)} {_slot('whom', 'te t vous le la les lui')} "
    f"{_slot('harm', _FR_KILL)}",
    f"{_slot('who', _FR_WHO)} {_slot('whom', 'te t vous')} {_slot('harm', _FR_HARM_YOU)}",
    # Future and present: je te tuerai, on vous retrouvera, je te tue.
    f"{_slot('who', 'je j on nous ils il')} {_slot('whom', 'te t vous')} "
    + _slot(
        "harm",
        "tuerai,tuera,tuerons,tueront,tue,bute,buterai,butera,retrouverai,"
        "retrouvera,retrouverons,trouverai,trouvera,ferai payer,fera payer,"
        "ferons payer,égorgerai,égorge,crèverai,brûlerai,brûlera,défoncerai,"
        "défoncera,défonce,aurai,aura,aurons,ferai la peau,fera la peau,"
        "casserai la gueule,pèterai la gueule,descendrai,descendra",
    ),
    # Damage to premises: je vais mettre le feu à votre magasin.
    f"{_slot('who', _FR_WHO)} "
    + _slot(
        "harm",
        "mettre le feu à,mettre le feu a,mettre le feu dans,brûler,incendier,"
        "faire sauter,faire exploser,saccager,vandaliser,tirer dans,tirer sur,"
        "poser une bombe dans,poser une bombe à,foncer dans,démolir,détruire,"
        "rentrer dans,débarquer dans,débarquer à,casser",
    )
    + f" {_slot('whose', 'ton ta tes votre vos le la les cette ce au à')} "
    f"{_slot('place', _FR_PLACE)}",
    f"{_slot('whose', 'ton ta votre vos')} {_slot('place', _FR_PLACE)} "
    f"{_slot('harm', 'va sauter,va brûler,va exploser,va flamber,va y passer,vont sauter,vont brûler,vont y passer,va partir en fumée')}",  # noqa: E501
    # Coming armed.
    f"{_slot('who', _FR_WHO + ',je viens,on vient,je reviens,on revient,je vais revenir,je vais venir,on va venir,je vais débarquer,on va débarquer,je vais passer,je vais arriver')} "  # noqa: E501
    "(avec) "
    + _slot(
        "weapon",
        "un fusil,mon fusil,une arme,mon arme,un gun,mon gun,une carabine,ma carabine,"
        "un couteau,mon couteau,un bidon d'essence,de l'essence,une bombe,un bâton,"
        "un 12,un douze,mes chums,une batte",
    ),
    # The victim: tu vas le payer, vous êtes morts.
    f"{_slot('whom', 'tu vas,tu va,vous allez,t vas,toi tu vas,vous aller')} "
    + _slot(
        "harm",
        "me le payer,le payer,payer cher,me le payer cher,le regretter,regretter,"
        "crever,mourir,souffrir,y passer,voir ce qui va t'arriver,voir ce qui va arriver,"
        "le sentir passer,finir à l'hôpital,finir dans un fossé,manger une volée",
    ),
    f"{_slot('whom', 't es,tu es,vous êtes,toi t es,t es un,tu es un,vous êtes des')} "
    f"{_slot('harm', 'mort,morte,morts,mortes,homme mort,femme morte,un homme mort,une femme morte,hommes morts,finis,cuits,dead')}",  # noqa: E501
    # Finding someone.
    f"{_slot('who', 'je sais,on sait,je connais,on connaît,on connait,j ai trouvé,on a trouvé,je vais trouver,je vais savoir,j ai ton,j ai votre')} "  # noqa: E501
    + _slot(
        "harm",
        "où tu habites,où vous habitez,où tu restes,où vous restez,où tu demeures,"
        "où tu travailles,où vous travaillez,ton adresse,votre adresse,où vit ta famille,"
        "où sont tes enfants,où vont tes enfants,où tu vis,où vous vivez,où tu dors,"
        "où tu te caches,ta plaque",
    ),
    # Revenge and warnings.
    _slot(
        "harm",
        "je vais me venger,on va se venger,je me vengerai,on se vengera,"
        "tu perds rien pour attendre,tu ne perds rien pour attendre,"
        "vous perdez rien pour attendre,vous ne perdez rien pour attendre,"
        "ça va mal finir pour toi,ça va mal finir pour vous,surveille tes arrières,"
        "surveillez vos arrières,gare à toi,gare à vous,tu vas voir de quel bois je me chauffe,"
        "vous allez voir de quel bois je me chauffe,tes jours sont comptés,"
        "vos jours sont comptés,je vais faire un carnage,on va faire un carnage,"
        "je vais faire un massacre,je vais tous vous tuer,je vais tous les tuer,"
        "on va tous vous tuer,tu vas finir comme,c'est ta dernière chance,"
        "dors pas trop tranquille,dors que d'un oeil",
    ),
]

# -- threats, English --------------------------------------------------------------

_EN_WHO = (
    "i'm going to,i am going to,i'm gonna,im gonna,im going to,i will,i'll,ill,"
    "we will,we'll,we're going to,we are going to,we're gonna,were gonna,i want to,"
    "i wanna,someone should,somebody should,someone needs to,somebody needs to,"
    "i swear i'll,i swear i will,i'd love to,they will,he will,i'm gonna go,i shall,"
    "i'm coming to,we're coming to,i'm about to,i could,i can,i'd"
)
_EN_HARM = (
    "kill,murder,shoot,stab,strangle,choke,hang,behead,slaughter,butcher,beat up,"
    "hurt,punch,smash,break,burn,bomb,gut,end,destroy,hunt down,hunt,rape,"
    "slit the throat of,break the legs of,put a bullet in,knife,run over,torture,"
    "beat the shit out of,beat the hell out of,kick the shit out of,"
    "blow the brains out of,cut,skin,lynch,execute,track down,find and kill,"
    "make an example of,get rid of"
)
_EN_WHOM = (
    "you,u,ya,you all,y'all,your family,your kids,your children,your wife,"
    "your husband,your staff,your employees,your boss,him,her,them,you guys,"
    "you people,your ceo,your manager,every one of you,all of you,each of you,"
    "your mother,your mom,your dog,your daughter,your son,your workers"
)
_EN_PLACE = (
    "store,stores,shop,office,offices,house,home,building,branch,restaurant,place,"
    "car,headquarters,hq,factory,warehouse,school,plant,clinic,bank,church,"
    "mosque,synagogue,business,location"
)

THREATS_EN = [
    f"{_slot('who', _EN_WHO)} {_slot('harm', _EN_HARM)} {_slot('whom', _EN_WHOM)}",
    f"{_slot('who', _EN_WHO)} "
    + _slot(
        "harm",
        "burn down,burn,blow up,bomb,shoot up,torch,smash up,trash,firebomb,"
        "set fire to,vandalize,wreck,drive into,crash into,level,raze",
    )
    + f" {_slot('whose', 'your,the,this,that,every,all your,one of your')} "
    f"{_slot('place', _EN_PLACE)}",
    f"{_slot('who', _EN_WHO + ',i will come,i will be there,ill be there,i’ll be there,i’ll come,i’m coming,we’re coming,i’ll show up,we’ll show up,i’m bringing,i’ll bring,i’ll be back')} "  # noqa: E501
    "(with|back with)? "
    + _slot(
        "weapon",
        "a gun,my gun,guns,a knife,a rifle,my rifle,an ar,an ar-15,a bomb,gasoline,"
        "a shotgun,my shotgun,a bat,a machete,an axe,a pistol,my pistol",
    ),
    f"{_slot('whom', 'you will,you’ll,youll,you’re going to,you are going to,you’re gonna,youre gonna,ur gonna')} "  # noqa: E501
    + _slot(
        "harm",
        "pay for this,pay for that,pay for it,pay for what you did,pay dearly,"
        "pay with your life,regret this,regret it,regret that,regret the day,die,"
        "suffer,bleed,be sorry,get what's coming,get what is coming,wish you were dead,"
        "end up in the hospital,end up dead,not see it coming,never see it coming",
    ),
    f"{_slot('who', 'i’ll,i will,i’m going to,i am going to,i’m gonna,im gonna,we’ll,we will,we’re going to')} "  # noqa: E501
    f"{_slot('harm', 'make you pay,make u pay,make you regret,make you suffer,make you bleed,make you sorry,make your life hell,find you,find where you live,come for you,come after you,get you,get even,get my revenge,get revenge,take revenge,hunt you down,track you down,see you dead')}",  # noqa: E501
    f"{_slot('whom', 'you’re,you are,youre,ur,u r,your family is,your family’s,you’re all,you are all')} "  # noqa: E501
    f"{_slot('harm', 'dead,a dead man,a dead woman,dead meat,so dead,going to die,gonna die,next on my list,on my list')}",  # noqa: E501
    f"{_slot('who', 'i know,we know,i found,we found,i found out,i have,i’ve got,i got')} "  # noqa: E501
    + _slot(
        "harm",
        "where you live,where you work,where your kids go to school,your address,"
        "where your family lives,where you sleep,where you park,your home address",
    ),
    _slot(
        "harm",
        "watch your back,sleep with one eye open,you've been warned,count your days,"
        "your days are numbered,i'll get my revenge,revenge will be mine,"
        "blood will be spilled,blood will flow,there will be blood,"
        "see you in the parking lot,i hope you die,hope you die,you should die,"
        "you deserve to die,go kill yourself,kill yourself,kys,"
        "i'm going to shoot up,i'm going to go postal,going postal",
    ),
]

# -- directed insults --------------------------------------------------------------

_EN_INSULT = (
    "idiot,moron,stupid,dumb,ignorant,pathetic,loser,clown,fool,imbecile,cretin,"
    "jerk,asshole,ass,bastard,bitch,cunt,dick,dickhead,douche,douchebag,prick,"
    "retard,retarded,scumbag,piece of shit,piece of garbage,piece of crap,"
    "piece of trash,sack of shit,waste of space,waste of oxygen,hypocrite,troll,"
    "pig,rat,coward,disgrace,halfwit,nitwit,dimwit,dumbass,jackass,dipshit,twat,"
    "wanker,slut,whore,psycho,freak,creep,scum,trash,garbage,ugly,fat,lazy,"
    "useless,worthless,brainless,clueless,disgusting,stupid idiot,dumb idiot,"
    "stupid fool,idiots,morons,losers,clowns,fools,jerks,assholes,bastards,bitches,"
    "hypocrites,cowards,pigs,rats,freaks,creeps,imbeciles,retards,scumbags,dicks,"
    "sheep,snowflake,nut job,nutjob,lunatic,liar,liars,degenerate,degenerates,"
    "parasite,parasites,vermin,subhuman,animal,animals,dummy,doofus,buffoon,"
    "numbskull,bonehead,airhead,dolt,simpleton,sleazebag,scoundrel,weasel,"
    "snake,joke of a human,disgrace of a human"
)
_EN_TO = (
    "you're,you are,youre,ur,u r,you r,you,you guys are,you people are,you all are,"
    "you're all,you are all,what a,what an,such a,such an,what a bunch of,"
    "bunch of,you're nothing but a,you are nothing but a,you're nothing but an,"
    "you bunch of,shut up,go away,get lost,listen,hey,are you,r u,look at you,"
    "you're one,you are one"
)
_EN_MOD = (
    "such a,such an,so,just a,just an,really a,really an,a,an,a fucking,an fucking,"
    "a total,a complete,an absolute,the biggest,a real,total,complete,fucking,"
    "stupid,little,dumb,absolute,such,really,just,a bunch of,an utter,utter,"
    "freaking,damn,a damn,a stupid,a dumb,a lazy,an ugly,a fat,a sad,sad,"
    "pathetic,a pathetic,the dumbest,the stupidest,the worst"
)
_FR_INSULT = (
    "con,conne,cons,connes,connard,connarde,connards,connasse,crétin,crétine,"
    "crétins,débile,débiles,idiot,idiote,idiots,imbécile,imbéciles,abruti,abrutie,"
    "abrutis,salaud,salauds,salope,salopes,enfoiré,enfoirée,enfoirés,ordure,ordures,"
    "merde,minable,minables,pourriture,dégénéré,dégénérés,taré,tarée,tarés,"
    "bouffon,bouffons,bouffonne,cinglé,cinglée,pétasse,couillon,couillons,trouduc,"
    "trou de cul,trous de cul,charogne,raclure,attardé,attardée,attardés,clown,"
    "clowns,cave,caves,niaiseux,niaiseuse,épais,épaisse,colon,colons,twit,twits,"
    "nono,nonos,tarla,tarlas,mangeux de marde,mange-marde,nul,nulle,nuls,nulles,"
    "hypocrite,hypocrites,lâche,lâches,porc,porcs,rat,rats,gros plein de soupe,"
    "incapable,incapables,demeuré,demeurée,demeurés,zéro,loser,losers,déchet,"
    "déchets,raté,ratée,ratés,fumier,vidange,sans-dessein,sans dessein,téteux,"
    "lèche-cul,plouc,ploucs,mongol,gogol,batard,"
    "bâtard,bâtards,sous-merde,vaurien,vauriens,parasite,parasites,guignol,"
    "guignols,baveux,baveuse,gnochon,grosse vache,vache,chienne,truie,"
    "fils de pute,face de cul,tête de noeud,tête de nœud,pauvre type,malade mental"
)
_FR_TO = (
    "t'es,t es,tu es,t'étais,vous êtes,vous etes,espèce d',espèce de,espece de,"
    "bande d',bande de,sale,gros,grosse,maudit,maudite,maudits,mon,ma,mes,pauvre,"
    "pauvres,toi le,toé le,toi la,toé la,t'as l'air d',vous avez l'air d',"
    "t'es rien qu',t'es juste,vous êtes juste,t'es vraiment,vous êtes vraiment,"
    "t'es tellement,vous êtes tellement,ferme-la,ta gueule,toi,toé,ostie de,"
    "esti de,crisse de,câlisse de,tabarnak de,hostie de,sti de,estie de,"
    "quel,quelle,quels,quelles,c'est toi le,c'est toi la,gang de,vous êtes des,"
    "vous êtes une bande de,t'es un vrai,t'es une vraie"
)
_FR_MOD = (
    "un,une,des,de,d',vraiment,tellement,juste,rien qu'un,rien qu'une,vraiment un,"
    "vraiment une,un gros,une grosse,un sale,une sale,un maudit,une maudite,"
    "un ostie de,une ostie de,un esti de,une esti de,un crisse de,une crisse de,"
    "un tabarnak de,une tabarnak de,un câlisse de,un hostie d',un ostie d',un esti d',"
    "un maudit d',gros,grosse,sale,pauvre,vrai,vraie,bande de,bande d',beau,belle,"
    "une bande de,une bande d',un vrai,une vraie,des gros,des sales,des maudits,"
    "un pauvre,une pauvre,complètement,totalement,tout simplement,un beau,une belle"
)
_SACRES = (
    "tabarnak,tabarnac,tabarnaque,tabernacle,câlisse,câlice,calisse,calice,crisse,"
    "christ,ostie,hostie,osti,esti,estie,sti,ciboire,viarge,sacrament,torrieux,"
    "mautadit,sacrifice"
)


def _halves(words):
    """Split a long list of alternatives in two patterns, each short enough to
    read and to store."""
    items = words.split(",")
    middle = len(items) // 2
    return ",".join(items[:middle]), ",".join(items[middle:])


INSULTS_EN = [
    *(
        f"{_slot('whom', _EN_TO)} {_slot('how', _EN_MOD, optional=True)} "
        f"{_slot('insult', half)}"
        for half in _halves(_EN_INSULT)
    ),
    f"{_slot('whom', 'fuck you,fuck u,fuck off,go fuck yourself,go to hell,screw you,eat shit,suck my dick,kiss my ass,fuck your,fuck ur,shove it up your ass,stfu,gtfo,up yours')}",  # noqa: E501
    f"{_slot('whom', 'you,your,ur,you guys,you people')} "
    f"{_slot('insult', 'suck,are the worst,are garbage,are trash,are a joke,stink,make me sick,disgust me,have no brain,have no brains,are brain dead,are braindead,should be ashamed,sicken me,are full of shit,are full of crap,are so full of it')}",  # noqa: E501
    f"{_slot('whom', 'shut your,shut ur,close your')} "
    f"{_slot('insult', 'mouth,face,trap,pie hole,cake hole,stupid mouth,fat mouth')}",
]
INSULTS_FR = [
    *(
        f"{_slot('whom', _FR_TO)} {_slot('how', _FR_MOD, optional=True)} "
        f"{_slot('insult', half)}"
        for half in _halves(_FR_INSULT)
    ),
    # Sacres used as insults: mon tabarnak, ostie de cave (the rest of the time
    # they are exclamations and intensifiers: "c'est tabarnak de bon").
    f"{_slot('whom', 'mon,ma,mes,toé,toi,vous,espèce de,gros,grosse,maudit,maudite,sale,ton,t es un,t es une,t es rien qu un,mon gros,ma grosse,mon maudit,ma maudite,mon ostie de,mon esti de,mon crisse de,mon câlisse de')} "  # noqa: E501
    f"{_slot('sacre', _SACRES)}",
    f"{_slot('sacre', _SACRES)} {_slot('of', 'de,d')} "
    f"{_slot('insult', _FR_INSULT + ',innocent,innocente,malade,chien,sale,menteur,menteuse,voleur,voleurs,fraudeur,fraudeurs,incompétent,incompétents,gang de caves,gang d innocents')}",  # noqa: E501
    f"{_slot('whom', 'va chier,va te faire foutre,va te faire voir,va te faire enculer,allez vous faire foutre,allez chier,mange de la marde,mange donc un char de marde,mange un char de marde,va donc chier,va donc te faire foutre,ferme ta gueule,ferme ta yeule,farme ta yeule,ta yeule,ta gueule,nique ta mère,je t emmerde,on vous emmerde,je vous emmerde,je te chie dessus,va mourir,va crever,crève donc,crève')}",  # noqa: E501
    f"{_slot('whom', 'tu,vous,toi tu,t')} "
    f"{_slot('insult', 'pues,puez,me dégoûtes,me dégoûtez,fais pitié,faites pitié,sers à rien,servez à rien,as rien dans la tête,avez rien dans la tête,es bon à rien,es bonne à rien,êtes bons à rien,es une honte,êtes une honte,comprends rien,comprenez rien')}",  # noqa: E501
]

# Swear words used as intensifiers: "this is fucking great", "putain c'est beau".
INTENSIFIERS = "\n".join(
    [
        "(fucking|fuckin|fucken|freaking|frickin|damn|bloody|effing) "
        "(great|good|awesome|amazing|brilliant|love|loved|delicious|beautiful|cool|"
        "best|finally|fantastic|excellent|hilarious|funny|perfect|incredible|yes|"
        "happy|proud|wonderful|stunning|gorgeous|tasty|fast|fun|epic|legendary|"
        "nice|sweet|glad|thrilled|right|impressive|worth it|genius|rocks|rock|"
        "cute|adorable|well done|well|lovely|stoked|excited|gorgeous)",
        "(holy|no|oh) (shit|fuck|crap)",
        "(shit|hell|fuck) (yeah|yes)",
        "the shit",
        "(putain|merde) (que|qu|c est|ce que|quel|quelle|j adore|trop|génial|enfin|oui|de bon|de beau)",  # noqa: E501
    ]
)

# Accusations of fraud: defamation, per the rulebook (a fact alleged).
FRAUD_FR = [
    f"{_slot('who', 'c est,c était,cest,vous êtes,vous etes,ce sont,sont,est,êtes,t es,tu es,toute une,une vraie,une belle,quelle,quel,gang de,bande de,des,de la')} "  # noqa: E501
    f"{_slot('how', 'une,des,de,d,du,un,vraiment une,juste une,rien qu une,une belle,une vraie,une grosse,la plus grosse,de vrais,des vrais,des maudits,une gang de,une bande de', optional=True)} "  # noqa: E501
    f"{_slot('accusation', 'arnaque,arnaques,arnaqueurs,arnaqueur,arnaqueuses,fraude,fraudeurs,fraudeur,fraudeuses,fraudeux,escrocs,escroc,escroquerie,voleurs,voleur,voleuses,voleux,bandits,crosseurs,crosseur,menteurs,menteuses,magouilleurs,magouille,vol,vol organisé,mafia,mafieux,fumisterie,attrape-nigaud,attrape-nigauds,pyramide,combine,criminels')}",  # noqa: E501
    f"{_slot('who', 'vous m avez,ils m ont,on m a,ils nous ont,vous nous avez,vous avez,ils ont')} "  # noqa: E501
    f"{_slot('accusation', 'arnaqué,arnaquée,arnaqués,volé,volée,volés,fraudé,escroqué,escroquée,crossé,crossée,fourré,fourrée,fourrés,menti')}",  # noqa: E501
]
FRAUD_EN = [
    f"{_slot('who', 'it s,its,it is,this is,that s,thats,that is,what a,total,complete,such a,a total,a complete,an absolute,you re,you are,youre,they re,they are,theyre,you guys are,bunch of,what a bunch of,you re all,you are all,this company is,this place is,they re a,you re a')} "  # noqa: E501
    f"{_slot('how', 'a,an,such a,such an,just a,just an,a total,a complete,a fucking,nothing but a,nothing but,a bunch of,all,total,complete,absolute,a giant,a huge,a big,the biggest,such', optional=True)} "  # noqa: E501
    f"{_slot('accusation', 'scam,scams,scammers,scammer,fraud,frauds,fraudsters,fraudster,crooks,crook,thieves,thief,con artists,con artist,racket,ripoff,rip off,ponzi scheme,pyramid scheme,criminals,liars,swindlers')}",  # noqa: E501
    f"{_slot('who', 'you scammed,they scammed,you ripped,they ripped,you robbed,they robbed,you defrauded,they defrauded,you stole from,they stole from,you cheated,they cheated,you conned,they conned,i got scammed,i was scammed,got ripped,we got scammed,we were scammed')} "  # noqa: E501
    f"{_slot('whom', 'me,us,my,our,everyone,people,customers,them,off,by', optional=True)}",  # noqa: E501
]
