"""Readers' addresses as they write them, accents included: ``léa@example.fr``, ``zoë@exämple.de``.

email-validator (the reference implementation of RFC 6531's internationalised addresses, with IDNA
2008 and UTS #46 for domains, maintained) reads them: a regular expression of ours either refused
every accent or let through what no mail server takes. Addresses are kept as people read them (the
domain in Unicode, NFC, lower case, so one inbox is one subscriber) and handed to SMTP as servers
need them: the domain in its ASCII (IDNA) form, and a local part with accents only to a server that
announces SMTPUTF8 (smtplib asks for it by itself; a server without it refuses that one recipient,
``batches`` says so on the row).
"""

from email.headerregistry import Address

from email_validator import EmailNotValidError, validate_email

from scheduler.domain.language import _

MOST = 320  # RFC 5321's path limit, the column's size


def read(text: str) -> tuple[str, str]:
    """(the address as stored, "") or ("", why it is not one, in words that follow the field's label)."""
    text = " ".join(str(text or "").split())
    if not text:
        return "", _("is required")
    if len(text) > MOST:
        return "", _("is longer than %(most)s characters", most=MOST)
    try:
        found = validate_email(text, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError as error:
        why = str(error)[:1].lower() + str(error)[1:]  # the validator's own words (English)
        return "", _("is not an email address (name@example.com): %(why)s", why=why)
    return f"{found.local_part}@{found.domain}".lower(), ""


def for_smtp(address: str) -> str:
    """The address as an SMTP server takes it: the domain in IDNA (ASCII); the local part as it is."""
    local, _, domain = address.rpartition("@")
    return f"{local}@{ascii_domain(domain)}"


def ascii_domain(domain: str) -> str:
    """The domain as DNS and SMTP spell it (IDNA 2008, as the validator reads it); ASCII domains as they are."""
    if domain.isascii():
        return domain
    try:
        return validate_email(f"x@{domain}", check_deliverability=False).ascii_domain
    except EmailNotValidError:
        return domain


def needs_smtputf8(address: str) -> bool:
    return not address.rpartition("@")[0].isascii()


def header_address(display_name: str, address: str) -> Address:
    """For a To: header: given in parts, so a local part with accents is written as it is (UTF-8 headers
    where the server takes SMTPUTF8) instead of refused by the header parser."""
    local, _, domain = address.rpartition("@")
    return Address(display_name=display_name or "", username=local, domain=ascii_domain(domain))
