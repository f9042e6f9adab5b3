"""A fresh PostgreSQL database for the benchmarks that need one.

    from benchmarks.pgsetup import fresh_database
    fresh_database("governance_bench")   # before anything imports models

Reads ``BENCH_POSTGRES`` (default ``postgres://postgres@127.0.0.1:5432``) and
``BENCH_REDIS`` (default ``redis://127.0.0.1:6379/10``): the database is dropped
and created again, migrated, and the default rulebook seeded. Celery tasks go
to the Redis broker for real (nothing consumes them during a benchmark).
"""

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
BROKER = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/10")

FR = (
    "merci pour votre réponse rapide mais la facture de ce mois est encore "
    "erronée et personne ne rappelle depuis deux semaines au service client "
    "alors que le contrat prévoit un délai de trois jours ouvrables pour tout"
).split()
EN = (
    "thanks for the quick answer but this month's bill is wrong again and "
    "nobody has called back for two weeks although the contract promises an "
    "answer within three business days for every request made online"
).split()
FLAGGED = [
    "Votre service est le pire, des incompétents!",
    "Espèce de CRÉTIN, tu ne comprends rien.",
    "You are a bunch of crooks and liars, cooking the books.",
    "Earn $500 per day from home!!! Click here https://promo.example.com",
    "Votre employée habite rue X, appelez-la au 514-555-0199.",
    "Confidential: internal memo says the merger closes Friday.",
    "Je sais où vous habitez, vous allez payer pour ça.",
    "Écrivez-moi à jean.tremblay@example.com pour les détails.",
]


def backend_pid():
    """Return the process id of this connection's PostgreSQL backend."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def cpu_seconds(backend):
    """Return the processor seconds of this process and of its backend ``pid``.

    The two work one after the other (a request waits for its statements), so
    their sum is what a request costs on an idle machine, however much other
    work stretches the wall clock (statements run by parallel workers aside).
    """
    with open(f"/proc/{backend}/stat") as stat:
        # The fields after the command's closing parenthesis; utime, stime.
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return time.process_time() + (int(fields[11]) + int(fields[12])) / ticks


def fresh_database(name, settings="governance.settings"):
    """Point Django at a new, migrated, seeded database ``name``; return its URL."""
    import psycopg2

    connection = psycopg2.connect(f"{SERVER}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    url = f"{SERVER}/{name}"
    os.environ["DATABASE_URL"] = url
    os.environ["CELERY_BROKER_URL"] = BROKER
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
    # A fixed Fernet key, for benchmarks only (connector credentials).
    os.environ.setdefault(
        "CONNECTOR_KEYS", "YmVuY2htYXJrLW9ubHktY29ubmVjdG9yLWtleS0zMmI="
    )
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("seed_framework", verbosity=0)
    return url


def comment_texts(count, seed=7, length=240):
    """Return realistic comments: most plain, one in five flagged, FR and EN."""
    rng = random.Random(seed)
    texts = []
    for index in range(count):
        if index % 5 == 0:
            texts.append(rng.choice(FLAGGED))
            continue
        vocabulary = FR if index % 2 else EN
        words = []
        while sum(len(w) + 1 for w in words) < length:
            words.append(rng.choice(vocabulary))
        text = " ".join(words)
        texts.append(text[0].upper() + text[1:] + ".")
    return texts
