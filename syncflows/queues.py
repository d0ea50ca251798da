"""Which queue each kind of work goes to (design.md §5), and the broker that serves them in order.

Three clusters read three queues of the same ORM broker:
- orders (Q_CLUSTER name): one task per order, announced by a webhook, the Export button, the
  sweeper or a release of held orders; and the heartbeat. Nothing else, so an order never waits
  behind scheduled or bulk work.
- bulk (`Q_CLUSTER_NAME=bulk`): what fans out many tasks at once or may take a while per shop:
  polls (and the orders a poll finds), Specter pulls, product exports, stock reconciliations,
  change checks, the digest and the purge. Its schedules run on its own scheduler.
- long (`Q_CLUSTER_NAME=long`): initial syncs and assortment scans, with an hour's timeout.

A task names its queue explicitly: django-q2 otherwise puts it on the queue of the process that
enqueues it, so a bulk worker's enqueue would land on the bulk queue by accident.
"""

import threading
from time import sleep

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_q.brokers.orm import ORM
from django_q.conf import Conf
from django_q.tasks import async_task

_not_before = threading.local()


def orders(func: str, *args) -> None:
    async_task(func, *args, cluster=settings.Q_CLUSTER["name"])


def orders_at(func: str, *args, at) -> None:
    """Queue on the orders' cluster, to be given out no earlier than `at`: the ORM broker hands out
    only rows whose `lock` has passed, so a row written with a future lock waits until then."""
    _not_before.at = at
    try:
        orders(func, *args)
    finally:
        _not_before.at = None


def bulk(func: str, *args) -> None:
    async_task(func, *args, cluster=settings.Q_BULK_CLUSTER)


def long(func: str, *args) -> None:
    async_task(func, *args, cluster=settings.Q_LONG_CLUSTER)


class OrderedORM(ORM):
    """django-q2's ORM broker, taking the oldest task first.

    Its own dequeue selects `WHERE key = … AND lock < now LIMIT bulk` with no ORDER BY: PostgreSQL
    then returns rows in heap order, where an updated or re-offered row may sit anywhere, so a task
    could be overtaken by dozens of later ones. Here the select is ordered by id (the order of
    enqueueing), and on PostgreSQL it takes row locks with SKIP LOCKED, so several clusters reading
    one queue each take the next free task instead of racing for the same head row and coming back
    empty. (SQLite has no row locks; its IMMEDIATE transactions already take turns.)
    """

    def enqueue(self, task):
        at = getattr(_not_before, "at", None)
        return (
            self.get_connection()
            .create(key=self.list_key or Conf.CLUSTER_NAME, payload=task, lock=at or timezone.now())
            .pk
        )

    def dequeue(self):
        queue = self.get_connection()
        now = timezone.now()
        with transaction.atomic(using=Conf.ORM):
            rows = list(
                queue.select_for_update(skip_locked=True)
                .filter(key=self.list_key, lock__lt=now)
                .order_by("id")
                .values_list("id", "payload")[: Conf.BULK]
            )
            if rows:
                queue.filter(id__in=[pk for pk, _ in rows]).update(lock=self.timeout(None))
        if rows:
            return rows
        sleep(Conf.POLL)  # an empty queue: spare the database (what this poll costs: README, Measured)
