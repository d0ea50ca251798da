"""Every article number on an order exists in Specter before the order goes (domain.md; specs/
specter-api.md §6 and §9 leave open what Specter does with one it lacks).

Known means a SpecterArticle row: exported by us, created by us for an order, or reported by
Specter in a batch or its register. An order with an unknown one:
1. when the shop is master of products (flows #1 and #3) and products are exported, the article is
   created first, with the order row's name, price and VAT (newArticleSubmit without
   forceArticleUpdate, so an article Specter does have is left as it is): one call per order that
   needs it, once per article and connection, none for known articles;
2. otherwise Specter's register is read (not more often than REGISTER_AT_MOST_EVERY), and what is
   still unknown makes the order need attention, naming the articles. It goes by itself when one
   of the ways above makes them known (wake()). The listing is an assumed call
   (connections/specter/assumptions.py): an account that refuses it cannot tell us, so its orders
   go and Specter's own answer decides (a refusal, or an OK naming the article: the engine).
"""

import time
from datetime import timedelta
from decimal import Decimal
from typing import NamedTuple

from django.utils import timezone

from connections.models import Connection
from connections.specter import articles as register
from connections.specter.client import SpecterRefused, article_row

from ..models import SpecterArticle, SyncRun, Transfer
from ..to_specter.on_change import exports_on_change
from . import intake
from .mapper import _number as number  # as the order's own rows write numbers

REGISTER_AT_MOST_EVERY = timedelta(minutes=10)
KNOWN_FOR = 300  # seconds a process trusts an article it read as known (unknown())
MAX_TRUSTED = 200_000
_trusted: dict[tuple[str, str], float] = {}  # (connection id, article no.) -> trusted until (monotonic)
WAITING = "article_unknown"  # the reason code of an order waiting for its articles
CHUNK = 100  # newArticleSubmit takes at most 100 articles
MAX_REGISTER_PAGES = 500
READ, RECENT, UNLISTED = "read", "recent", "unlisted"  # read_register()


def unknown(connection, article_nos) -> list[str]:
    """The article numbers of `article_nos` not known to be in Specter, in their order (`connection`
    or its id). What a process has read as known it trusts for KNOWN_FOR seconds without asking the
    database again, so an order of known articles costs no statement; being wrong (Specter lost an
    article meanwhile) costs only Specter's own answer, which forgets it (the engine)."""
    cid = str(getattr(connection, "pk", connection))
    wanted = list(dict.fromkeys(article_nos))
    now = time.monotonic()
    asked = [no for no in wanted if _trusted.get((cid, no), 0) < now]
    if asked:
        if len(_trusted) > MAX_TRUSTED:
            _trusted.clear()
        for no in SpecterArticle.objects.filter(connection_id=cid, article_no__in=asked).values_list(
            "article_no", flat=True
        ):
            _trusted[(cid, no)] = now + KNOWN_FOR
    return [no for no in wanted if _trusted.get((cid, no), 0) < now]


class Done(NamedTuple):
    """What make_known did, for the order's timeline: a code of syncflows.timeline.DETAILS, the
    English summary, and the code's parameters."""

    code: str
    summary: str
    params: dict


def make_known(
    connection: Connection, rows, specter, *, service_articles=frozenset(), missing=None, keep_alive=None
) -> tuple[list[str], Done | None]:
    """Make every article number of the order's `rows` (mapper.Row) known, as the module says.
    `service_articles` (shipping, discounts...) are created without a price; `missing`: what
    unknown() already said of these rows; `keep_alive` is called between register pages (the
    order's lease). Returns (still unknown, what was done for the timeline: None when all were
    known already)."""
    if missing is None:
        missing = unknown(connection, [row.article_no for row in rows if row.article_no])
    if not missing:
        return [], None
    if exports_on_change(connection):  # the shop is master of products and exports them
        first = {}
        for row in rows:
            first.setdefault(row.article_no, row)
        wanted = [_article_row(first[no], priced=no not in service_articles) for no in missing]
        for start in range(0, len(wanted), CHUNK):
            specter.create_articles(wanted[start : start + CHUNK])
            learn(
                [connection.pk],
                [r["articleNo"] for r in wanted[start : start + CHUNK]],
                SpecterArticle.Source.CREATED,
                wake_orders=False,
            )
        return [], Done(
            "articles_created", f"created in Specter: {', '.join(missing)}"[:500], {"articles": ", ".join(missing)}
        )
    read = read_register(connection, specter, keep_alive=keep_alive)
    if read == UNLISTED:
        # We cannot know: Specter's own answer to the order decides (a refusal or an OK naming the
        # article, both handled), rather than every order waiting for what no call can tell us.
        return [], Done(
            "articles_unlisted", "Specter's register cannot be listed: Specter's answer to the order decides", {}
        )
    still = unknown(connection, missing) if read == READ else missing
    done = "Specter's register read" if read == READ else "Specter's register read within the last minutes"
    code = "articles_register_read" if read == READ else "articles_register_recent"
    if not still:
        return [], Done(code, done, {})
    return still, Done(
        f"{code}_missing", f"{done}; not in Specter: {', '.join(still)}"[:500], {"articles": ", ".join(still)}
    )


def _article_row(row, *, priced: bool) -> dict[str, str]:
    """An article as newArticleSubmit takes it, from the order row that needs it."""
    price = row.price_ex_vat if priced and row.price_ex_vat > 0 else Decimal(0)
    return article_row(
        row.article_no, row.name or row.article_no, price_ex_vat=number(price), vat_percent=number(row.vat_percent)
    )


def read_register(
    connection: Connection, specter, *, force: bool = False, keep_alive=None, every: timedelta = REGISTER_AT_MOST_EVERY
) -> str:
    """Learn every article of Specter's register (the assumed paged listing: connections/specter/
    articles.py), not more often than `every` unless forced (the pre-flight, which a merchant
    reloads after creating an article in Specter, reads it sooner than orders do). Returns READ, RECENT
    (read within the interval: not again), or UNLISTED (Specter refuses to list its register, now
    or within the interval: nothing is learnt from it). Any other error (credentials, network) is
    the order's, raised, and lets the next order try again."""
    last = (
        SyncRun.objects.filter(
            connection=connection,
            kind="specter_register",
            finished_at__isnull=False,
            started_at__gte=timezone.now() - every,
        )
        .order_by("-started_at")
        .first()
    )
    if last is not None and not force:
        return RECENT if last.ok else UNLISTED
    run = SyncRun.objects.create(connection=connection, kind="specter_register")
    try:
        number, pages = 1, 1
        while number <= min(pages, MAX_REGISTER_PAGES):
            page = register.page(specter, number)
            nos = [a.article_no for a in page.articles if a.article_no]
            run.entries += len(nos)
            learn([connection.pk], nos, SpecterArticle.Source.REGISTER, wake_orders=False)
            number, pages = number + 1, page.pages
            if keep_alive and number <= pages:
                keep_alive()
        run.ok = True
        wake([connection.pk])
    except SpecterRefused as refused:
        run.summary = str(refused)[:500]
    finally:
        if run.ok or run.summary:  # read, or refused: done for the interval
            run.finished_at = timezone.now()
        run.save()
    return READ if run.ok else UNLISTED


def learn(connection_ids, article_nos, source: str, *, wake_orders: bool = True) -> None:
    """Remember that Specter has these articles (for each connection), and let orders that waited
    for them go (wake)."""
    nos = [no for no in dict.fromkeys(article_nos) if no]
    if not nos:
        return
    ids = list(connection_ids)
    SpecterArticle.objects.bulk_create(
        [SpecterArticle(connection_id=c, article_no=no, source=source) for c in ids for no in nos],
        ignore_conflicts=True,
    )
    until = time.monotonic() + KNOWN_FOR
    if len(_trusted) > MAX_TRUSTED:
        _trusted.clear()
    _trusted.update({(str(c), no): until for c in ids for no in nos})
    if wake_orders:
        wake(ids)


def forget(connection: Connection, article_nos) -> None:
    """Specter said it does not have these after all: the next order needing them checks again."""
    article_nos = list(article_nos)
    for no in article_nos:
        _trusted.pop((str(connection.pk), no), None)
    SpecterArticle.objects.filter(connection=connection, article_no__in=article_nos).delete()


def forget_all() -> None:
    """Trust nothing this process read as known (the benchmark starts from nothing)."""
    _trusted.clear()


def wake(connection_ids) -> list[int]:
    """Orders that needed attention only for articles Specter now has go back to the queue.
    Returns their ids."""
    woken = []
    for transfer in Transfer.objects.filter(
        connection_id__in=list(connection_ids), state=Transfer.State.NEEDS_ATTENTION, reason_code=WAITING
    ):
        waiting_for = [
            no.strip()
            for code, params in transfer.reason_params
            if code == WAITING
            for no in str((params or {}).get("articles", "")).split(",")
            if no.strip()
        ]
        if waiting_for and not unknown(transfer.connection_id, waiting_for) and _requeue(transfer.pk):
            intake.enqueue(transfer.pk)
            woken.append(transfer.pk)
    return woken


def _requeue(transfer_id: int) -> bool:
    now = timezone.now()
    return bool(
        Transfer.objects.filter(pk=transfer_id, state=Transfer.State.NEEDS_ATTENTION, reason_code=WAITING).update(
            state=Transfer.State.RETRY_WAIT,
            next_attempt_at=now,
            reason="",
            reason_code="",
            reason_params=[],
            updated_at=now,
        )
    )
