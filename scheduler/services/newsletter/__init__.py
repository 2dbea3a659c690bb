"""The newsletter: subscribers with double opt-in, staff referral codes, one-click unsubscribe, and
issues mailed over SMTP in batches by RQ jobs.

The package's modules, each a seam: ``subscribers`` (signup, signed links, referral codes),
``mailer`` (the mail account and the SMTP connection), ``messages`` (the issue and the confirmation
mail), ``issues`` (an issue's rows and batch jobs, its counts and its end), ``batches`` (mailing one
batch) and ``sweeper`` (claims of dead jobs, lost jobs). This module holds only the words they share.

The database is the truth about who got what. When a newsletter post is delivered (live mode), one
``NewsletterSend`` row is written per confirmed subscriber (unique per post and subscriber, so doing
it twice adds nothing), each with its batch number and a Message-ID that never changes
(``<refrain-issue-<post>-<subscriber>@<domain>>``). Then one keyed RQ job per batch is enqueued.

A batch job claims its ``pending`` rows with one guarded ``UPDATE`` (pending → sending, stamped with a
claim id), so two runs of the same batch never share a row; it sends them over one SMTP connection,
in id order, and commits each row ``sent`` as soon as the server has accepted its message. A reply
that says "not now" (4xx, a dropped connection) puts the rest back to ``pending`` and schedules a
retry of that batch (its own job id, backing off from a minute to an hour; rows still pending two
days after the issue went out are ``failed``); a permanent refusal (5xx) marks that row ``failed``.
A subscriber who unsubscribed before their batch ran is ``skipped``. When no row of the issue is
pending or sending any more, the issue is finished: its summary is written once to the post's history.

The window, honestly: if the worker dies after the server accepted a message and before the row
was committed, nothing on our side can know whether that one message went out. Because rows are
sent in id order and committed one by one, that is at most ONE row per crash: the first row still
``sending`` in the dead claim (every later row was never tried). The sweeper puts stale claims back
to ``pending``, notes that first row, and the retry sends it again with the same Message-ID, which
lets receivers that keep Message-IDs drop the copy. Every other recipient is mailed exactly once.
"""

import re

# a subscriber's status; a row's (one recipient of one issue) starts as PENDING too
PENDING, CONFIRMED, UNSUBSCRIBED = "pending", "confirmed", "unsubscribed"
SENDING, SENT, FAILED, SKIPPED = "sending", "sent", "failed", "skipped"

# ASCII addresses only: a UTF-8 local part needs SMTPUTF8 all along the way
EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
