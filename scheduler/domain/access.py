"""Who may do what: the team's roles, each including the ones below it.

``owner`` (people, accounts, settings) → ``manager`` (plans, commitments, approvals, overrides, the
style guide's rules) → ``creator`` (posts, library, interactions) → ``viewer`` (reads everything a
team member may read). Kept here, pure, because pages, the API, the CLI and the MCP server all ask
the same question and must all get the same answer.
"""

from __future__ import annotations

from scheduler.domain.language import N_, _

ROLES = ("viewer", "creator", "manager", "owner")  # lowest first
PUBLIC = "public"  # a route anyone may reach without signing in

ROLE_LABELS = {
    "owner": N_("Owner"),
    "manager": N_("Manager"),
    "creator": N_("Creator"),
    "viewer": N_("Viewer"),
}


def role_label(role: str | None) -> str:
    """The role as people read it, in their language ("Owner", "Propriétaire"); an unknown one as it is."""
    return _(ROLE_LABELS[role]) if role in ROLE_LABELS else str(role)


def rank(role: str) -> int:
    """The role's place in ``ROLES``; -1 for anything else (an unknown role may do nothing)."""
    return ROLES.index(role) if role in ROLES else -1


def may(role: str | None, needed: str) -> bool:
    """Whether someone holding ``role`` (None: not signed in) may do what needs ``needed``."""
    if needed == PUBLIC:
        return True
    if role is None or needed not in ROLES:
        return False
    return rank(role) >= rank(needed)


def may_write(role: str | None, read_only: bool) -> str | None:
    """The role an API token acts with: a read-only token reads as a viewer whatever its person's role."""
    if role is None:
        return None
    return "viewer" if read_only else role


def normal_email(email: str) -> str:
    """Addresses are compared without case or surrounding space (``Ana@Example.com `` is ana@example.com)."""
    return (email or "").strip().lower()


def email_problem(email: str) -> str | None:
    """What is wrong with an address a person typed, in words; None when it will do."""
    email = normal_email(email)
    if not email:
        return _("is required")
    if len(email) > 254:
        return _("is longer than %(n)s characters", n=254)
    local, at, domain = email.rpartition("@")
    if not at or not local or "." not in domain or domain.startswith(".") or domain.endswith("."):
        return _("is not an email address (name@example.com)")
    if any(ch.isspace() for ch in email):
        return _("has a space in it")
    return None


MIN_PASSWORD = 10
MAX_PASSWORD = 1000


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """Length over rules (NIST 800-63B): at least 10 characters, not the address or the name itself."""
    if len(password or "") < MIN_PASSWORD:
        return _("needs at least %(n)s characters", n=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        return _("is longer than %(n)s characters", n=MAX_PASSWORD)
    lowered = password.strip().lower()
    if lowered and lowered in {normal_email(email), normal_email(email).split("@")[0], (name or "").strip().lower()}:
        return _("must not be your address or your name")
    if len(set(password)) < 4:
        return _("repeats too few characters; use a phrase of several words")
    return None
